package dev.filesapi.hostile;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fields of a new file: filenames and media types, refused in an initiate and in a simple
 * upload's form (where the name is raw UTF-8 in the part header, as browsers send it).
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UploadInitiateHostileInputTest extends AbstractHostileInputTest {
  @Override
  int minimumRejectedCases() {
    return 50;
  }

  @TestFactory
  Stream<DynamicTest> badFilenames() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("empty", "");
    names.put("1025 ASCII bytes", "a".repeat(1025));
    names.put("1026 UTF-8 bytes in 342 chars", "€".repeat(342));
    names.put("1024 bytes plus one multibyte char", "a".repeat(1023) + "é");
    names.put("100 KB", "n".repeat(100 * 1024));
    names.put("NUL", "a\u0000b");
    names.put("newline", "a\nb");
    names.put("CR", "a\rb");
    names.put("header injection", "a.txt\r\nX-Injected: 1");
    names.put("tab", "a\tb");
    names.put("bell", "a\u0007b");
    names.put("escape sequence", "\u001b[31mred");
    names.put("DEL", "a\u007fb");
    names.put("NEL", "a\u0085b");
    names.put("C1 0x9f", "a\u009fb");
    names.put("lone high surrogate", "a\ud800b");
    names.put("lone low surrogate", "a\udc00b");
    names.put("reversed surrogates", "a\ude00\ud83db");
    List<Case> cases = new ArrayList<>();
    String type = str("application/octet-stream");
    for (Map.Entry<String, String> name : names.entrySet()) {
      cases.add(
          validation(
              "initiate filename " + name.getKey(),
              initiateReq(str(name.getValue()), type, "1", null),
              "filename"));
    }
    // In a form the name is raw UTF-8 in the part header, as browsers send it.
    for (String label :
        List.of(
            "1025 ASCII bytes",
            "1026 UTF-8 bytes in 342 chars",
            "100 KB",
            "tab",
            "bell",
            "escape sequence",
            "DEL",
            "NEL",
            "C1 0x9f")) {
      cases.add(
          expect(
              "simple upload filename " + label,
              form(names.get(label), "text/plain", "hello"),
              400,
              "validation_failed"));
    }
    for (String label : List.of("NUL", "newline", "CR")) {
      cases.add(
          expect(
              "simple upload filename " + label,
              form(names.get(label), "text/plain", "hello"),
              400,
              "validation_failed",
              "malformed_body"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> badMimeTypes() {
    List<String> types =
        List.of(
            "",
            " ",
            "text",
            "text/",
            "/plain",
            "/",
            "a/b/c",
            "text/plain\r\nX-Injected: 1",
            "text/plain\u0000",
            "t".repeat(150) + "/" + "p".repeat(150),
            "text/" + "p".repeat(299),
            " text/plain",
            "text/plain ",
            "text /plain",
            "text/plain;",
            "text/plain; charset",
            "*/*",
            "text/*",
            "../../x",
            "тест/plain",
            "text/plain; charset=\"a\u0001\"",
            SQL.get(0),
            SQL.get(1),
            SQL.get(2));
    List<Case> cases = new ArrayList<>();
    String name = str("mime-" + UUID.randomUUID());
    for (String type : types) {
      cases.add(
          validation(
              "initiate file_type " + type, initiateReq(name, str(type), "1", null), "file_type"));
    }
    for (String type : List.of("text", "/plain", "a/b/c", "t".repeat(300), "text/", "*/*")) {
      cases.add(
          validation(
              "simple upload part type " + type,
              form("mime-" + UUID.randomUUID() + ".txt", type, "hello"),
              "content_type"));
    }
    return run(cases);
  }
}
