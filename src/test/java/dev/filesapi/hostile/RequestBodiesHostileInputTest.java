package dev.filesapi.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.hostile.RawHttp.Req;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Bodies of the JSON endpoints that are no JSON, or too big: broken syntax, 10,000-deep nesting,
 * values that are not objects, bodies over the 4 MiB limit (sized or chunked).
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class RequestBodiesHostileInputTest extends AbstractHostileInputTest {
  @Override
  int minimumRejectedCases() {
    return 150;
  }

  @TestFactory
  Stream<DynamicTest> brokenJson() {
    List<Object[]> bodies = new ArrayList<>();
    // {name, body, certainly malformed_json?}
    bodies.add(new Object[] {"empty body", "", false});
    bodies.add(new Object[] {"lone brace", "{", true});
    bodies.add(new Object[] {"truncated after key", "{\"filename\":", true});
    bodies.add(new Object[] {"truncated after value", "{\"filename\":\"a\"", true});
    bodies.add(new Object[] {"unterminated string", "{\"filename\":\"abc}", true});
    bodies.add(new Object[] {"trailing comma in object", "{\"filename\":\"a\",}", true});
    bodies.add(new Object[] {"trailing comma in array", "{\"part_numbers\":[0,1,]}", true});
    bodies.add(new Object[] {"leading comma in array", "{\"part_numbers\":[,0]}", true});
    bodies.add(new Object[] {"single quotes", "{'filename':'a'}", true});
    bodies.add(new Object[] {"unquoted keys", "{filename:\"a\"}", true});
    bodies.add(new Object[] {"missing colon", "{\"filename\" \"a\"}", true});
    bodies.add(new Object[] {"NaN", "{\"num_bytes\":NaN,\"part_numbers\":[NaN]}", true});
    bodies.add(new Object[] {"Infinity", "{\"num_bytes\":Infinity}", true});
    bodies.add(new Object[] {"-Infinity", "{\"num_bytes\":-Infinity}", true});
    bodies.add(new Object[] {"leading zero", "{\"num_bytes\":01}", true});
    bodies.add(new Object[] {"hex number", "{\"num_bytes\":0x10}", true});
    bodies.add(new Object[] {"plus sign", "{\"num_bytes\":+1}", true});
    bodies.add(new Object[] {"bare fraction", "{\"num_bytes\":.5}", true});
    bodies.add(new Object[] {"dangling exponent", "{\"num_bytes\":1e}", true});
    bodies.add(new Object[] {"block comment", "/* comment */ {}", true});
    bodies.add(new Object[] {"yaml comment", "# comment\n{}", true});
    bodies.add(new Object[] {"trailing line comment", "{} // comment", false});
    bodies.add(new Object[] {"closing brace only", "}", true});
    bodies.add(new Object[] {"NUL", "\u0000", true});
    bodies.add(new Object[] {"raw control char in string", "{\"filename\":\"a\u0001b\"}", true});
    bodies.add(new Object[] {"invalid escape", "{\"filename\":\"\\x41\"}", true});
    bodies.add(new Object[] {"invalid unicode escape", "{\"filename\":\"\\uZZZZ\"}", true});
    bodies.add(
        new Object[] {
          "invalid UTF-8",
          concat(
              "{\"filename\":\"".getBytes(StandardCharsets.UTF_8),
              new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF},
              "\"}".getBytes(StandardCharsets.UTF_8)),
          true
        });
    bodies.add(new Object[] {"plain text", "not json at all", true});
    bodies.add(new Object[] {"xml", "<upload><filename>a</filename></upload>", true});
    bodies.add(new Object[] {"10,000 open brackets", "[".repeat(10_000), false});
    bodies.add(
        new Object[] {"10,000 nested arrays", "[".repeat(10_000) + "]".repeat(10_000), false});
    bodies.add(
        new Object[] {
          "10,000 nested objects under an unknown field",
          "{\"x\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001),
          false
        });
    bodies.add(
        new Object[] {
          "10,000 nested arrays inside a field",
          "{\"part_numbers\":"
              + "[".repeat(10_000)
              + "]".repeat(10_000)
              + ",\"parts\":"
              + "[".repeat(10_000)
              + "]".repeat(10_000)
              + ",\"filename\":"
              + "[".repeat(10_000)
              + "]".repeat(10_000)
              + "}",
          false
        });
    bodies.add(new Object[] {"array", "[]", false});
    bodies.add(new Object[] {"string", "\"text\"", false});
    bodies.add(new Object[] {"number", "42", false});
    bodies.add(new Object[] {"boolean", "true", false});
    bodies.add(new Object[] {"null", "null", false});
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, String> endpoint : jsonEndpoints().entrySet()) {
      for (Object[] body : bodies) {
        Req req = new Req("POST", endpoint.getValue()).type("application/json");
        if (body[1] instanceof byte[] bytes) {
          req.body(bytes);
        } else {
          req.body((String) body[1]);
        }
        String name = "broken JSON " + body[0] + ": " + endpoint.getKey();
        cases.add(
            (Boolean) body[2]
                ? expect(name, req, 400, "malformed_json")
                : expect(name, req, 400, "malformed_json", "validation_failed", "missing_parts"));
      }
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> oversizedBodies() {
    String big = "{\"filename\":\"" + "x".repeat(5 * MIB) + "\",\"part_numbers\":[0]}";
    String justOver = "{\"filename\":\"" + "x".repeat(4 * MIB - 14 + 1) + "\"}";
    assertThat(justOver.length()).isEqualTo(4 * MIB + 2);
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, Req> endpoint : validRequests().entrySet()) {
      Req req = endpoint.getValue().copy();
      if (!req.isJson()) {
        req.type("application/json");
      }
      cases.add(
          expect(
              "5 MiB body: " + endpoint.getKey(), req.copy().body(big), 413, "payload_too_large"));
    }
    for (Map.Entry<String, String> endpoint : jsonEndpoints().entrySet()) {
      cases.add(
          expect(
              "4 MiB + 2 body: " + endpoint.getKey(),
              json("POST", endpoint.getValue(), justOver),
              413,
              "payload_too_large"));
      cases.add(
          expect(
              "5 MiB chunked body: " + endpoint.getKey(),
              json("POST", endpoint.getValue(), big).chunked(),
              413,
              "payload_too_large"));
    }
    cases.add(
        expect(
            "5 MiB body of 10,000-deep arrays and padding",
            json("POST", INITIATE, "[".repeat(10_000) + " ".repeat(5 * MIB)),
            413,
            "payload_too_large"));
    return run(cases);
  }
}
