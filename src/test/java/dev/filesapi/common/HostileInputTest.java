package dev.filesapi.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.OpenApiConformance;
import dev.filesapi.support.Tenants;
import dev.filesapi.upload.Upload;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hundreds of malformed or hostile requests across every endpoint under /v1, sent over a raw socket
 * so that headers, methods and bytes go out exactly as written. Every one must be a 4xx problem
 * with a stable code that leaks nothing; hostile values that are legitimately valid (traversal or
 * SQL-looking names) are a separate group that must round-trip byte for byte.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class HostileInputTest {
  private static final String KEY = FilesTestResource.API_KEY;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MIB = 1024 * 1024;
  private static final String UPLOADS = "/v1/files/uploads";
  private static final String INITIATE = UPLOADS + "/initiate";
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final int MINIMUM_CASES = 250;
  private static final AtomicInteger REJECTED_CASES = new AtomicInteger();
  private static final AtomicInteger ACCEPTED_CASES = new AtomicInteger();
  private static final AtomicInteger CODEC_CASES = new AtomicInteger();

  private static final List<String> SQL =
      List.of("' OR 1=1 --", "'; DROP TABLE upload; --", "\" or \"\"=\"");
  private static final List<String> TRAVERSAL =
      List.of("../../etc/passwd", "..\\..\\boot.ini", "/abs/path", "%2e%2e%2f", "....//....//x");

  @TestHTTPResource("/")
  URL root;

  /** An in-progress upload of 12 MiB (three 5 MiB-planned parts: 0, 1, 2) and a stored file. */
  private static String uploadId;

  private static String fileId;

  // ---------------------------------------------------------------- the 4xx group

  @TestFactory
  Stream<DynamicTest> missingOrGarbageAuthorization() {
    fixtures();
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("no header", null);
    variants.put("empty", "");
    variants.put("Bearer", "Bearer");
    variants.put("Bearer-space", "Bearer ");
    variants.put("Basic", "Basic abc");
    variants.put("unknown key", "Bearer fk_live_" + UUID.randomUUID().toString().replace("-", ""));
    variants.put("key with tab inside", "Bearer fk_live_\tabc");
    variants.put("10 KB value", "Bearer fk_live_" + "a".repeat(10 * 1024));
    variants.put("truncated key", "Bearer " + KEY.substring(0, KEY.length() - 1));
    variants.put("right key, wrong scheme", "Token " + KEY);
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, Req> endpoint : validRequests().entrySet()) {
      for (Map.Entry<String, String> variant : variants.entrySet()) {
        Req req = endpoint.getValue().copy().auth(variant.getValue());
        cases.add(
            expect(
                "auth " + variant.getKey() + ": " + endpoint.getKey(), req, 401, "unauthorized"));
      }
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> adminApi() {
    fixtures();
    String orgs = "/v1/admin/organizations";
    String admin = "Bearer " + FilesTestResource.ADMIN_TOKEN;
    List<Case> cases = new ArrayList<>();
    Map<String, Req> endpoints = new LinkedHashMap<>();
    endpoints.put("create organization", json("POST", orgs, "{\"name\":\"x\"}"));
    endpoints.put("list organizations", new Req("GET", orgs));
    endpoints.put("get organization", new Req("GET", orgs + "/org_x"));
    endpoints.put("set quotas", json("PUT", orgs + "/org_x/quotas", "{}"));
    endpoints.put("create key", json("POST", orgs + "/org_x/api-keys", "{\"name\":\"k\"}"));
    endpoints.put("list keys", new Req("GET", orgs + "/org_x/api-keys"));
    endpoints.put("revoke key", new Req("DELETE", orgs + "/org_x/api-keys/key_x"));
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("no header", null);
    credentials.put("an API key", "Bearer " + KEY);
    credentials.put("wrong token", "Bearer not-the-admin-token");
    credentials.put("token as Basic", "Basic " + FilesTestResource.ADMIN_TOKEN);
    credentials.put("token prefix", admin.substring(0, admin.length() - 1));
    for (Map.Entry<String, Req> endpoint : endpoints.entrySet()) {
      for (Map.Entry<String, String> credential : credentials.entrySet()) {
        cases.add(
            expect(
                "admin " + credential.getKey() + ": " + endpoint.getKey(),
                endpoint.getValue().copy().auth(credential.getValue()),
                401,
                "unauthorized"));
      }
    }
    Map<String, String> badOrganizations = new LinkedHashMap<>();
    badOrganizations.put("empty name", "{\"name\":\"\"}");
    badOrganizations.put("blank name", "{\"name\":\"   \"}");
    badOrganizations.put("no name", "{}");
    badOrganizations.put("name as number", "{\"name\":42}");
    badOrganizations.put("name with newline", "{\"name\":\"a\\nb\"}");
    badOrganizations.put("201-char name", "{\"name\":\"" + "n".repeat(201) + "\"}");
    badOrganizations.put("zero uploads", "{\"name\":\"x\",\"max_in_progress_uploads\":0}");
    badOrganizations.put("negative bytes", "{\"name\":\"x\",\"max_file_bytes\":-1}");
    badOrganizations.put("bytes over 250 GB", "{\"name\":\"x\",\"max_file_bytes\":250000000001}");
    badOrganizations.put("huge number", "{\"name\":\"x\",\"max_file_bytes\":1e400}");
    badOrganizations.put("decimal quota", "{\"name\":\"x\",\"max_in_progress_uploads\":1.5}");
    badOrganizations.put("broken JSON", "{\"name\":");
    badOrganizations.put("array body", "[]");
    for (Map.Entry<String, String> body : badOrganizations.entrySet()) {
      cases.add(
          expect(
              "admin create organization, " + body.getKey(),
              json("POST", orgs, body.getValue()).auth(admin),
              400,
              "validation_failed",
              "malformed_json"));
    }
    cases.add(
        expect(
            "admin key for an unknown organization",
            json("POST", orgs + "/org_unknown/api-keys", "{\"name\":\"k\"}").auth(admin),
            404,
            "not_found"));
    cases.add(
        expect(
            "admin SQL-ish organization id",
            new Req("GET", orgs + "/" + enc("' OR 1=1 --")).auth(admin),
            404,
            "not_found"));
    cases.add(
        expect(
            "admin quotas as text/plain",
            new Req("PUT", orgs + "/org_x/quotas").type("text/plain").body("{}").auth(admin),
            415,
            "unsupported_media_type"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> brokenJson() {
    fixtures();
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
  Stream<DynamicTest> wrongTypes() {
    fixtures();
    List<Case> cases = new ArrayList<>();
    String name = str("wrong-types-" + UUID.randomUUID());
    String type = str("application/octet-stream");
    for (String value : List.of("{}", "[]", "[\"a\"]", "{\"a\":\"b\"}", "null")) {
      cases.add(
          validation(
              "initiate filename " + value, initiateReq(value, type, "1", null), "filename"));
    }
    for (String value : List.of("{}", "[]", "null", "123", "true", "1.5", "[\"text/plain\"]")) {
      cases.add(
          validation(
              "initiate file_type " + value, initiateReq(name, value, "1", null), "file_type"));
    }
    for (String value :
        List.of(
            "\"abc\"",
            "\"\"",
            "\"0x10\"",
            "\"1 000\"",
            "{}",
            "[]",
            "[1]",
            "true",
            "false",
            "null",
            "{\"value\":1}")) {
      cases.add(
          validation(
              "initiate num_bytes " + value, initiateReq(name, type, value, null), "num_bytes"));
    }
    for (String value : List.of("\"maybe\"", "\"yes\"", "{}", "[]", "[true]", "2", "\"\"")) {
      cases.add(
          validation(
              "initiate resume_if_started " + value,
              initiateReq(name, type, "1", value),
              "resume_if_started"));
    }
    for (String value :
        List.of(
            "\"0\"",
            "0",
            "{}",
            "{\"0\":0}",
            "true",
            "null",
            "\"[0]\"",
            "[null]",
            "[\"a\"]",
            "[{}]",
            "[[0]]",
            "[true]",
            "[\"\"]")) {
      cases.add(
          expect(
              "parts/urls part_numbers " + value,
              json("POST", urls(uploadId), "{\"part_numbers\":" + value + "}"),
              400,
              "validation_failed"));
    }
    List<String> badEntries =
        List.of(
            "{}",
            "\"x\"",
            "1",
            "true",
            "{\"part_number\":0,\"part_token\":\"\\\"x\\\"\"}",
            "[null]",
            "[1]",
            "[\"x\"]",
            "[[]]",
            "[{\"part_number\":\"a\",\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":[0],\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":{},\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":true,\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":0,\"part_token\":{}}]",
            "[{\"part_number\":0,\"part_token\":[]}]",
            "[{\"part_number\":0,\"part_token\":[\"x\"]}]",
            "[{\"part_number\":null,\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":0,\"part_token\":null}]",
            "[{\"part_number\":0}]",
            "[{\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":0,\"part_token\":\"\"}]",
            "[{\"part_number\":0,\"part_token\":\"   \"}]",
            "[{\"part_number\":0,\"part_token\":\"" + "a".repeat(1025) + "\"}]",
            "[{\"part_number\":0,\"part_token\":\"a\\u0000b\"}]",
            "[{\"part_number\":0,\"part_token\":\"a\\r\\nX-Injected: 1\"}]");
    for (String value : badEntries) {
      cases.add(
          expect(
              "checkpoint parts " + value,
              json("POST", checkpoint(uploadId), "{\"parts\":" + value + "}"),
              400,
              "validation_failed"));
      if (!value.equals("null")) {
        cases.add(
            expect(
                "complete parts " + value,
                json("POST", complete(uploadId), "{\"parts\":" + value + "}"),
                400,
                "validation_failed"));
      }
    }
    for (String value : List.of("{}", "[]", "[\"AAAAAA==\"]", "{\"value\":\"AAAAAA==\"}")) {
      cases.add(
          expect(
              "complete integrity_checksum " + value,
              json(
                  "POST",
                  complete(uploadId),
                  "{\"parts\":[],\"integrity_checksum\":" + value + "}"),
              400,
              "validation_failed"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> hugeOddAndOutOfRangeNumbers() {
    fixtures();
    List<Case> cases = new ArrayList<>();
    String name = str("huge-" + UUID.randomUUID());
    String type = str("application/octet-stream");
    List<String> numbers =
        List.of(
            "1e400",
            "-1e400",
            "1E+400",
            "99999999999999999999999",
            "-99999999999999999999999",
            "9223372036854775808",
            "-9223372036854775809",
            "9223372036854775807",
            "-9223372036854775808",
            "250000000001",
            "1000.5",
            "0.5",
            "-0.5",
            "1.0000000001",
            "4.9e-324",
            "0",
            "-0",
            "-1",
            "-250000000000",
            "0.0");
    for (String value : numbers) {
      cases.add(
          validation(
              "initiate num_bytes " + value, initiateReq(name, type, value, null), "num_bytes"));
    }
    List<String> partNumbers =
        List.of(
            "1e400",
            "99999999999999999999999",
            "-9223372036854775809",
            "9223372036854775807",
            "2147483648",
            "-2147483649",
            "2147483647",
            "-2147483648",
            "1000.5",
            "0.5",
            "-1",
            "3",
            "10000",
            "1e9");
    for (String value : partNumbers) {
      cases.add(
          expect(
              "parts/urls part number " + value,
              json("POST", urls(uploadId), "{\"part_numbers\":[0," + value + "]}"),
              400,
              "validation_failed"));
      String entry = "{\"part_number\":" + value + ",\"part_token\":\"\\\"abc\\\"\"}";
      cases.add(
          expect(
              "checkpoint part number " + value,
              json("POST", checkpoint(uploadId), "{\"parts\":[" + entry + "]}"),
              400,
              "validation_failed"));
      cases.add(
          expect(
              "complete part number " + value,
              json("POST", complete(uploadId), "{\"parts\":[" + entry + "]}"),
              400,
              "validation_failed"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> partNumberListsOverTheLimit() {
    fixtures();
    List<Case> cases = new ArrayList<>();
    String numbers10001 =
        IntStream.range(0, 10_001).mapToObj(i -> "0").collect(Collectors.joining(","));
    String distinct10001 =
        IntStream.range(0, 10_001).mapToObj(Integer::toString).collect(Collectors.joining(","));
    String entries10001 =
        IntStream.range(0, 10_001)
            .mapToObj(i -> "{\"part_number\":" + (i % 3) + ",\"part_token\":\"\\\"abc\\\"\"}")
            .collect(Collectors.joining(","));
    cases.add(
        validation(
            "parts/urls 10,001 duplicates of 0",
            json("POST", urls(uploadId), "{\"part_numbers\":[" + numbers10001 + "]}"),
            "part_numbers"));
    cases.add(
        expect(
            "parts/urls 10,001 distinct numbers",
            json("POST", urls(uploadId), "{\"part_numbers\":[" + distinct10001 + "]}"),
            400,
            "validation_failed"));
    cases.add(
        validation(
            "parts/urls empty list",
            json("POST", urls(uploadId), "{\"part_numbers\":[]}"),
            "part_numbers"));
    cases.add(
        validation(
            "checkpoint 10,001 entries",
            json("POST", checkpoint(uploadId), "{\"parts\":[" + entries10001 + "]}"),
            "parts"));
    cases.add(
        validation(
            "complete 10,001 entries",
            json("POST", complete(uploadId), "{\"parts\":[" + entries10001 + "]}"),
            "parts"));
    cases.add(
        expect(
            "parts/urls duplicates with one out of range",
            json("POST", urls(uploadId), "{\"part_numbers\":[0,0,1,1,3,3]}"),
            400,
            "validation_failed"));
    cases.add(
        expect(
            "checkpoint duplicates with one out of range",
            json(
                "POST",
                checkpoint(uploadId),
                "{\"parts\":[{\"part_number\":0,\"part_token\":\"\\\"a\\\"\"},"
                    + "{\"part_number\":0,\"part_token\":\"\\\"b\\\"\"},"
                    + "{\"part_number\":3,\"part_token\":\"\\\"c\\\"\"}]}"),
            400,
            "validation_failed"));
    cases.add(
        expect(
            "parts/urls all out of range",
            json("POST", urls(uploadId), "{\"part_numbers\":[3,4,5,-1,-2]}"),
            400,
            "validation_failed"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> badFilenames() {
    fixtures();
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
    fixtures();
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

  @TestFactory
  Stream<DynamicTest> sqlAndJunkInPathsAndQueries() {
    fixtures();
    List<String> ids = new ArrayList<>(SQL);
    ids.add("upl_");
    ids.add("upl_" + "x".repeat(2000));
    ids.add("fil_" + UUID.randomUUID());
    ids.add(UUID.randomUUID().toString());
    ids.add("upl_0000000000000000000000000'");
    List<Case> cases = new ArrayList<>();
    for (String id : ids) {
      String path = enc(id);
      String label = id.length() > 40 ? id.substring(0, 40) + "…" : id;
      cases.add(
          expect("GET upload " + label, new Req("GET", UPLOADS + "/" + path), 404, "not_found"));
      cases.add(
          expect(
              "parts/urls of " + label,
              json("POST", urls(path), "{\"part_numbers\":[0]}"),
              404,
              "not_found"));
      cases.add(
          expect(
              "checkpoint of " + label,
              json(
                  "POST",
                  checkpoint(path),
                  "{\"parts\":[{\"part_number\":0,\"part_token\":\"\\\"a\\\"\"}]}"),
              404,
              "not_found"));
      cases.add(
          expect(
              "complete of " + label,
              json("POST", complete(path), "{\"parts\":[]}"),
              404,
              "not_found"));
      cases.add(expect("abort of " + label, new Req("POST", abort(path)), 404, "not_found"));
      cases.add(
          expect(
              "metadata of " + label,
              new Req("GET", "/v1/files/metadata/" + path),
              404,
              "not_found"));
      cases.add(
          expect(
              "download of " + label,
              new Req("GET", "/v1/files/download/" + path),
              404,
              "not_found"));
      cases.add(
          expect(
              "delete of " + label,
              new Req("DELETE", "/v1/files/delete/" + path),
              404,
              "not_found"));
    }
    // Control characters and encoded NULs in paths are no resource at all.
    for (String path :
        List.of(
            UPLOADS + "/upl_%00",
            UPLOADS + "/%0d%0aX-Injected:%201",
            "/v1/files/metadata/a%00b",
            "/v1/files/download/%1b%5b31m",
            "/v1/files/delete/a%7fb",
            urls("upl_%00"))) {
      Req req = path.endsWith("/urls") ? json("POST", path, "{\"part_numbers\":[0]}") : null;
      if (req == null) {
        req = new Req(path.contains("/delete/") ? "DELETE" : "GET", path);
      }
      cases.add(expect("control characters in path " + path, req, 404, "not_found"));
    }
    for (String value : SQL) {
      cases.add(
          validation(
              "initiate resume_if_started " + value,
              initiateReq(str("sql-" + UUID.randomUUID()), str("text/plain"), "1", str(value)),
              "resume_if_started"));
      cases.add(
          expect(
              "complete integrity_checksum " + value,
              json(
                  "POST",
                  complete(uploadId),
                  "{\"parts\":[],\"integrity_checksum\":" + str(value) + "}"),
              400,
              "checksum_not_supported"));
      cases.add(
          expect(
              "complete part_token " + value,
              json(
                  "POST",
                  complete(uploadId),
                  "{\"parts\":[{\"part_number\":0,\"part_token\":" + str(value) + "}]}"),
              400,
              "missing_parts",
              "invalid_part"));
    }
    for (String value : SQL) {
      String q = enc(value);
      cases.add(
          validation(
              "uploads status " + value, new Req("GET", UPLOADS + "?status=" + q), "status"));
      cases.add(
          validation("uploads limit " + value, new Req("GET", UPLOADS + "?limit=" + q), "limit"));
      cases.add(
          expect(
              "uploads cursor " + value,
              new Req("GET", UPLOADS + "?cursor=" + q),
              400,
              "invalid_cursor"));
      cases.add(
          validation(
              "metadata shard_index " + value,
              new Req("GET", "/v1/files/metadata?shard_index=" + q),
              "shard_index"));
      cases.add(
          validation(
              "metadata max_items_per_shard " + value,
              new Req("GET", "/v1/files/metadata?max_items_per_shard=" + q),
              "max_items_per_shard"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> badCursors() {
    fixtures();
    Map<String, String> cursors = new LinkedHashMap<>();
    cursors.put("garbage", "!!!garbage!!!");
    cursors.put("spaces", "%20%20");
    cursors.put("padding only", "====");
    cursors.put("single padding", "=");
    cursors.put("one char", "A");
    cursors.put("base64 of junk", b64("junk"));
    cursors.put("base64 of a NUL", b64("\u0000"));
    cursors.put("base64 of a colon", b64(":"));
    cursors.put("base64 of colon and id", b64(":upl_x"));
    cursors.put("base64 of number only", b64("123"));
    cursors.put("base64 of number and colon", b64("123:"));
    cursors.put("base64 of a file id", b64("123:fil_x"));
    cursors.put("base64 of a non-number", b64("abc:upl_x"));
    cursors.put("base64 of an overflowing number", b64("99999999999999999999:upl_x"));
    cursors.put("base64 of a decimal", b64("1.5:upl_x"));
    cursors.put("base64 of a control char in the id", b64("123:upl_x\u0001"));
    cursors.put("base64 of a newline in the id", b64("123:upl_x\n"));
    cursors.put("standard base64 alphabet", "+/+/+/+/");
    cursors.put("the smallest timestamp", b64(Long.MIN_VALUE + ":upl_x"));
    cursors.put("the largest timestamp", b64(Long.MAX_VALUE + ":upl_x"));
    cursors.put("a timestamp in year 10000", b64("253402300800000000:upl_x"));
    cursors.put("a timestamp before year 1", b64("-62135596800000001:upl_x"));
    cursors.put("base64 of 300 chars", b64("123:upl_" + "x".repeat(300)));
    cursors.put("2 KB", "A".repeat(2048));
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, String> cursor : cursors.entrySet()) {
      String value = cursor.getValue();
      String q = value.startsWith("%") ? value : enc(value);
      cases.add(
          expect(
              "cursor " + cursor.getKey(),
              new Req("GET", UPLOADS + "?cursor=" + q),
              400,
              "invalid_cursor"));
    }
    cases.add(
        validation(
            "cursor with a raw control character",
            new Req("GET", UPLOADS + "?cursor=a%01b"),
            "cursor"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> badLimitsAndShards() {
    fixtures();
    List<Case> cases = new ArrayList<>();
    for (String value :
        List.of(
            "0",
            "-1",
            "1001",
            "abc",
            "1.5",
            "99999999999999999999",
            "2147483648",
            "%20",
            "1e3",
            "0x10",
            "-0",
            "10%2010",
            "%E2%88%9E")) {
      cases.add(
          validation(
              "uploads limit " + value, new Req("GET", UPLOADS + "?limit=" + value), "limit"));
    }
    for (String value :
        List.of("IN_PROGRESS", "bogus", "in_progress%20", "%2A", "completed,aborted")) {
      cases.add(
          validation(
              "uploads status " + value, new Req("GET", UPLOADS + "?status=" + value), "status"));
    }
    for (String value : List.of("-2", "abc", "2147483648", "1.5", "-2147483649", "%20")) {
      cases.add(
          validation(
              "metadata shard_index " + value,
              new Req("GET", "/v1/files/metadata?max_items_per_shard=10&shard_index=" + value),
              "shard_index"));
    }
    for (String value : List.of("0", "-2", "1001", "abc", "99999999999", "1.5", "-1.0")) {
      cases.add(
          validation(
              "metadata max_items_per_shard " + value,
              new Req("GET", "/v1/files/metadata?max_items_per_shard=" + value),
              "max_items_per_shard"));
    }
    cases.add(
        validation(
            "metadata file_type with a control character",
            new Req("GET", "/v1/files/metadata?file_type=text%2Fplain%0d%0a"),
            "file_type"));
    cases.add(
        validation(
            "control character in a parameter name",
            new Req("GET", UPLOADS + "?li%01mit=5"),
            "query"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> wrongContentTypes() {
    fixtures();
    Map<String, String> types = new LinkedHashMap<>();
    types.put("text/plain", "text/plain");
    types.put("application/xml", "application/xml");
    types.put("form-urlencoded", "application/x-www-form-urlencoded");
    types.put("multipart", "multipart/form-data; boundary=zz");
    types.put("octet-stream", "application/octet-stream");
    types.put("javascript", "application/javascript");
    types.put("text/json", "text/json");
    types.put("missing", null);
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, Req> endpoint : validRequests().entrySet()) {
      Req valid = endpoint.getValue();
      if (!valid.isJson()) {
        continue;
      }
      for (Map.Entry<String, String> type : types.entrySet()) {
        cases.add(
            expect(
                "content type " + type.getKey() + ": " + endpoint.getKey(),
                valid.copy().type(type.getValue()),
                415,
                "unsupported_media_type"));
      }
      for (String garbage :
          List.of("garbage", "/", "application/", "application/json/x", ";", "a b/c d")) {
        cases.add(
            expect(
                "content type " + garbage + ": " + endpoint.getKey(),
                valid.copy().type(garbage),
                415,
                "unsupported_media_type"));
      }
    }
    for (Map.Entry<String, String> type : types.entrySet()) {
      if (type.getValue() != null && type.getValue().startsWith("multipart/")) {
        continue;
      }
      cases.add(
          expect(
              "simple upload content type " + type.getKey(),
              new Req("POST", "/v1/files").type(type.getValue()).body("file=hello"),
              415,
              "unsupported_media_type"));
    }
    cases.add(
        expect(
            "simple upload multipart/mixed",
            new Req("POST", "/v1/files").type("multipart/mixed; boundary=zz").body("--zz--\r\n"),
            415,
            "unsupported_media_type"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> unacceptableAcceptHeaders() {
    fixtures();
    Map<String, Req> endpoints = new LinkedHashMap<>(validRequests());
    endpoints.remove("download");
    endpoints.remove("abort");
    endpoints.remove("delete");
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, Req> endpoint : endpoints.entrySet()) {
      for (String accept : List.of("text/html", "application/xml", "image/png")) {
        cases.add(
            expect(
                "Accept " + accept + ": " + endpoint.getKey(),
                endpoint.getValue().copy().header("Accept: " + accept),
                406,
                "not_acceptable"));
      }
      for (String accept : List.of("garbage", "/", "application/", "text/html;q=abc")) {
        cases.add(
            expect(
                "Accept " + accept + ": " + endpoint.getKey(),
                endpoint.getValue().copy().header("Accept: " + accept),
                null));
      }
    }
    return run(cases);
  }

  /**
   * Requests the HTTP codec (Netty, before any application code) refuses: a bare status without a
   * problem body is all that can be answered here, and it must still be a 4xx that leaks nothing.
   */
  @TestFactory
  Stream<DynamicTest> rejectedByTheHttpCodec() {
    fixtures();
    Map<String, Object[]> cases = new LinkedHashMap<>();
    cases.put(
        "Authorization with a control character",
        new Object[] {new Req("GET", "/v1/files/info").auth("Bearer " + KEY + "\u0001"), 400});
    cases.put(
        "Authorization with a NUL",
        new Object[] {
          new Req("GET", UPLOADS + "/" + uploadId).auth("Bearer fk_live_\u0000abc"), 400
        });
    cases.put(
        "Authorization with DEL",
        new Object[] {new Req("GET", "/v1/files/info").auth("Bearer " + KEY + "\u007f"), 400});
    cases.put(
        "a header name with a space",
        new Object[] {new Req("GET", "/v1/files/info").header("Bad Header: 1"), 400});
    cases.put(
        "a 10 KB cursor",
        new Object[] {new Req("GET", UPLOADS + "?cursor=" + "A".repeat(10 * 1024)), 414});
    cases.put(
        "a 30 KB Authorization header",
        new Object[] {
          new Req("GET", "/v1/files/info").auth("Bearer " + "a".repeat(30 * 1024)), 431
        });
    return cases.entrySet().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    display(c.getKey()),
                    () -> {
                      CODEC_CASES.incrementAndGet();
                      Res res = send((Req) c.getValue()[0]);
                      assertThat(res.status).as(c.getKey()).isEqualTo(c.getValue()[1]);
                      assertThat(res.text()).doesNotContain(KEY).doesNotContain("Exception");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> unsupportedMethods() {
    fixtures();
    Map<String, List<String>> methods = new LinkedHashMap<>();
    methods.put(INITIATE, List.of("PUT", "PATCH", "DELETE"));
    methods.put(urls(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(checkpoint(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(complete(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(abort(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(UPLOADS + "/" + uploadId, List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put(UPLOADS, List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/metadata", List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/metadata/" + enc(fileId), List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/info", List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/download/" + enc(fileId), List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/delete/" + enc(fileId), List.of("GET", "POST", "PUT", "PATCH"));
    methods.put("/v1/files", List.of("GET", "PUT", "PATCH", "DELETE"));
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, List<String>> entry : methods.entrySet()) {
      for (String method : entry.getValue()) {
        Req req = new Req(method, entry.getKey());
        if (!method.equals("GET") && !method.equals("DELETE")) {
          req.body("{}");
        }
        cases.add(expect(method + " " + shorten(entry.getKey()), req, 405, "method_not_allowed"));
      }
    }
    for (String path : List.of(INITIATE, "/v1/files/info", "/v1/files/delete/" + enc(fileId))) {
      cases.add(expect("FOO " + shorten(path), new Req("FOO", path), 405, "method_not_allowed"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> oversizedBodies() {
    fixtures();
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

  @TestFactory
  Stream<DynamicTest> hostileForms() {
    fixtures();
    List<Case> cases = new ArrayList<>();
    String boundary = "hostile-boundary";
    String type = "multipart/form-data; boundary=" + boundary;
    cases.add(
        validation(
            "form without a file part",
            new Req("POST", "/v1/files")
                .type(type)
                .body(
                    "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n--"
                        + boundary
                        + "--\r\n"),
            "file"));
    String twoParts =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a.txt\"\r\n\r\nA\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b.txt\"\r\n\r\nB\r\n--"
            + boundary
            + "--\r\n";
    cases.add(
        validation(
            "form with two file parts",
            new Req("POST", "/v1/files").type(type).body(twoParts),
            "file"));
    cases.add(
        expect(
            "form with an empty body",
            new Req("POST", "/v1/files").type(type).body(""),
            400,
            "validation_failed",
            "malformed_body"));
    cases.add(
        expect(
            "form that breaks off",
            new Req("POST", "/v1/files")
                .type(type)
                .body(
                    "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n\r\nhalf"),
            400,
            "malformed_body",
            "validation_failed"));
    cases.add(
        expect(
            "form of garbage",
            new Req("POST", "/v1/files").type(type).body("garbage garbage garbage"),
            400,
            "malformed_body",
            "validation_failed"));
    cases.add(
        expect(
            "form without a boundary parameter",
            new Req("POST", "/v1/files").type("multipart/form-data").body(twoParts),
            null));
    cases.add(
        expect(
            "form with another boundary than declared",
            new Req("POST", "/v1/files").type("multipart/form-data; boundary=other").body(twoParts),
            400,
            "malformed_body",
            "validation_failed"));
    cases.add(
        expect(
            "form with an empty filename",
            new Req("POST", "/v1/files")
                .type(type)
                .body(
                    "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\nx\r\n--"
                        + boundary
                        + "--\r\n"),
            400,
            "validation_failed"));
    cases.add(
        expect(
            "form with a 300-character boundary",
            new Req("POST", "/v1/files")
                .type("multipart/form-data; boundary=" + "b".repeat(300))
                .body("--" + "b".repeat(300) + "--\r\n"),
            400,
            "validation_failed",
            "malformed_body"));
    return run(cases);
  }

  @AfterAll
  static void atLeast250HostileRequestsRan() {
    System.out.printf(
        "HostileInputTest: %d hostile requests answered 4xx problems, %d hostile-but-valid"
            + " requests round-tripped, %d refused by the HTTP codec%n",
        REJECTED_CASES.get(), ACCEPTED_CASES.get(), CODEC_CASES.get());
    assertThat(REJECTED_CASES.get()).isGreaterThanOrEqualTo(MINIMUM_CASES);
  }

  // ---------------------------------------------------------------- the 2xx group

  /**
   * Hostile-looking values that are valid: traversal and SQL-looking names are just names, stored
   * as given and never part of a storage key; SQL in a filter or a well-formed cursor matches
   * nothing.
   */
  @TestFactory
  Stream<DynamicTest> hostileButValid() {
    fixtures();
    List<DynamicTest> tests = new ArrayList<>();
    List<String> names = new ArrayList<>(TRAVERSAL);
    names.addAll(SQL);
    for (String name : names) {
      tests.add(accepted("initiate stores the name " + name, () -> initiateStoresTheName(name)));
      if (!name.contains("\"")) {
        // A form's quoted filename cannot carry a raw quote (browsers send %22 instead).
        tests.add(
            accepted(
                "simple upload stores the name " + name, () -> simpleUploadStoresTheName(name)));
      }
    }
    tests.add(
        accepted(
            "a line break in a form filename ends the part header: nothing is injected",
            () -> {
              String name = "crlf-" + UUID.randomUUID() + ".txt";
              Res res = send(form(name + "\r\nX-Injected: 1", "text/plain", "x"));
              assertThat(res.status).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("file_id").asText()).isEqualTo(name);
              assertThat(res.headers).doesNotContainKey("x-injected");
              assertThat(send(new Req("DELETE", "/v1/files/delete/" + enc(name))).status)
                  .isEqualTo(200);
            }));
    tests.add(
        accepted(
            "an unknown charset parameter is ignored: JSON is UTF-8 (RFC 8259)",
            () -> {
              Res res =
                  send(
                      json("POST", urls(uploadId), "{\"part_numbers\":[0]}")
                          .type("application/json; charset=no-such-charset"));
              assertThat(res.status).as(res.text()).isEqualTo(200);
            }));
    for (String value : SQL) {
      tests.add(
          accepted(
              "file_type filter " + value + " matches nothing",
              () -> {
                Res res = send(new Req("GET", "/v1/files/metadata?file_type=" + enc(value)));
                assertThat(res.status).as(res.text()).isEqualTo(200);
                assertThat(res.json().isArray()).isTrue();
                assertThat(res.json().size()).isZero();
              }));
    }
    tests.add(
        accepted(
            "a well-formed cursor with an SQL-looking id pages to nothing",
            () -> {
              Res res = send(new Req("GET", UPLOADS + "?cursor=" + enc(b64("123:upl_x'--"))));
              assertThat(res.status).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("uploads").size()).isZero();
            }));
    for (long micros : new long[] {-62_135_596_800_000_000L, 253_402_300_799_999_999L, 0L, -1L}) {
      tests.add(
          accepted(
              "a cursor at " + micros + " micros (years 1 to 9999) is a page",
              () -> {
                Res res = send(new Req("GET", UPLOADS + "?cursor=" + b64(micros + ":upl_x")));
                assertThat(res.status).as(res.text()).isEqualTo(200);
                assertThat(res.json().get("uploads").isArray()).isTrue();
              }));
    }
    tests.add(
        accepted(
            "SQL-looking part tokens are stored as data and checked by the store",
            () -> {
              String id =
                  initiate("sql-token-" + UUID.randomUUID(), 12L * MIB).get("upload_id").asText();
              StringBuilder entries = new StringBuilder();
              for (int part = 0; part < 3; part++) {
                entries
                    .append(part == 0 ? "" : ",")
                    .append("{\"part_number\":")
                    .append(part)
                    .append(",\"part_token\":")
                    .append(str(SQL.get(part)))
                    .append('}');
              }
              Res checkpointed =
                  send(json("POST", checkpoint(id), "{\"parts\":[" + entries + "]}"));
              assertThat(checkpointed.status).as(checkpointed.text()).isEqualTo(200);
              assertThat(checkpointed.json().get("num_checkpointed").asInt()).isEqualTo(3);
              JsonNode view = send(new Req("GET", UPLOADS + "/" + id)).json();
              assertThat(view.get("checkpointed_parts").toString()).isEqualTo("[0,1,2]");
              Res completed = send(json("POST", complete(id), "{\"parts\":[]}"));
              assertThat(completed.status).as(completed.text()).isEqualTo(400);
              assertThat(completed.json().get("code").asText()).isEqualTo("invalid_part");
              assertThat(send(new Req("GET", UPLOADS + "/" + id)).json().get("status").asText())
                  .isEqualTo("in_progress");
              assertThat(send(new Req("POST", abort(id))).status).isEqualTo(200);
            }));
    tests.add(
        accepted(
            "parts/urls with duplicates answers in the same length and order",
            () -> {
              Res res = send(json("POST", urls(uploadId), "{\"part_numbers\":[2,0,2,1,0]}"));
              assertThat(res.status).as(res.text()).isEqualTo(200);
              JsonNode parts = res.json().get("parts");
              List<Integer> numbers = new ArrayList<>();
              parts.forEach(p -> numbers.add(p.get("part_number").asInt()));
              assertThat(numbers).containsExactly(2, 0, 2, 1, 0);
              assertThat(parts.get(0).get("url").asText())
                  .isEqualTo(parts.get(2).get("url").asText());
            }));
    tests.add(
        accepted(
            "parts/urls with 10,000 duplicates of one part",
            () -> {
              String numbers =
                  IntStream.range(0, 10_000).mapToObj(i -> "1").collect(Collectors.joining(","));
              Res res = send(json("POST", urls(uploadId), "{\"part_numbers\":[" + numbers + "]}"));
              assertThat(res.status).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("parts").size()).isEqualTo(10_000);
            }));
    tests.add(
        accepted(
            "checkpoint with a part given twice with one token counts it once",
            () -> {
              String id = initiate("dup-" + UUID.randomUUID(), 12L * MIB).get("upload_id").asText();
              // Two different tokens for one part are ambiguous: refused, nothing stored.
              Res ambiguous =
                  send(
                      json(
                          "POST",
                          checkpoint(id),
                          "{\"parts\":[{\"part_number\":1,\"part_token\":\"\\\"a\\\"\"},"
                              + "{\"part_number\":1,\"part_token\":\"\\\"b\\\"\"}]}"));
              assertThat(ambiguous.status).as(ambiguous.text()).isEqualTo(400);
              assertThat(ambiguous.json().get("errors").get(0).get("field").asText())
                  .isEqualTo("parts[1].part_token");
              Res res =
                  send(
                      json(
                          "POST",
                          checkpoint(id),
                          "{\"parts\":[{\"part_number\":1,\"part_token\":\"\\\"a\\\"\"},"
                              + "{\"part_number\":1,\"part_token\":\"a\"}]}"));
              assertThat(res.status).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("num_checkpointed").asInt()).isEqualTo(1);
              JsonNode view = send(new Req("GET", UPLOADS + "/" + id)).json();
              assertThat(view.get("checkpointed_parts").toString()).isEqualTo("[1]");
              assertThat(send(new Req("POST", abort(id))).status).isEqualTo(200);
            }));
    return tests.stream();
  }

  private void initiateStoresTheName(String name) {
    Res res =
        send(initiateReq(str(name), str("application/octet-stream"), String.valueOf(MIB), null));
    assertThat(res.status).as(res.text()).isEqualTo(200);
    JsonNode body = res.json();
    assertThat(body.get("file_name").asText()).isEqualTo(name);
    String id = body.get("upload_id").asText();
    JsonNode view = send(new Req("GET", UPLOADS + "/" + id)).json();
    assertThat(view.get("file_name").asText()).isEqualTo(name);
    assertThat(view.get("file_name").asText().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(name.getBytes(StandardCharsets.UTF_8));
    String storageKey =
        QuarkusTransaction.requiringNew().call(() -> Upload.<Upload>findById(id).storageKey);
    assertThat(storageKey)
        .isEqualTo("orgs/" + organizationId() + "/files/" + body.get("file_uid").asText())
        .doesNotContain(name);
    for (JsonNode part : body.get("parts")) {
      assertThat(part.get("url").asText()).doesNotContain(name).doesNotContain(enc(name));
    }
    assertThat(send(new Req("POST", abort(id))).status).isEqualTo(200);
  }

  private void simpleUploadStoresTheName(String name) {
    Res res = send(form(name, "text/plain", "content of " + name));
    assertThat(res.status).as(res.text()).isEqualTo(200);
    JsonNode body = res.json();
    assertThat(body.get("file_id").asText()).isEqualTo(name);
    String fileUid = body.get("file_uid").asText();
    Res record = send(new Req("GET", "/v1/files/metadata/" + enc(name)));
    assertThat(record.status).as(record.text()).isEqualTo(200);
    assertThat(record.json().get("file_id").asText().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(name.getBytes(StandardCharsets.UTF_8));
    assertThat(record.json().get("file_uid").asText()).isEqualTo(fileUid);
    String storageKey = "orgs/" + organizationId() + "/files/" + fileUid;
    var blobs = FilesTestResource.store().blobStore();
    assertThat(blobs.blobExists(FilesTestResource.BUCKET, storageKey)).isTrue();
    List<String> keys =
        blobs.list(FilesTestResource.BUCKET, ListContainerOptions.Builder.recursive()).stream()
            .map(StorageMetadata::getName)
            .toList();
    assertThat(keys).contains(storageKey).noneMatch(key -> key.contains(name));
    Res download = send(new Req("GET", "/v1/files/download/" + enc(name)));
    assertThat(download.status).as(download.text()).isEqualTo(302);
    assertThat(download.header("location")).contains(storageKey);
    Res deleted = send(new Req("DELETE", "/v1/files/delete/" + enc(name)));
    assertThat(deleted.status).as(deleted.text()).isEqualTo(200);
    assertThat(deleted.json().get("file_id").asText()).isEqualTo(name);
  }

  private static DynamicTest accepted(String name, Runnable test) {
    return DynamicTest.dynamicTest(
        display(name),
        () -> {
          ACCEPTED_CASES.incrementAndGet();
          test.run();
        });
  }

  // ---------------------------------------------------------------- cases and checks

  private record Case(String name, Req req, Integer status, Set<String> codes) {}

  private static Case expect(String name, Req req, Integer status, String... codes) {
    return new Case(name, req, status, codes.length == 0 ? null : Set.of(codes));
  }

  private static Case validation(String name, Req req, String field) {
    return new Case(
        name + " (field " + field + ")", req, 400, Set.of("validation_failed", "field:" + field));
  }

  private Stream<DynamicTest> run(List<Case> cases) {
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    display(c.name()),
                    () -> {
                      REJECTED_CASES.incrementAndGet();
                      check(c, send(c.req()));
                    }));
  }

  private static void check(Case c, Res res) {
    String body = res.text();
    String shown = body.length() > 600 ? body.substring(0, 600) + "…" : body;
    String description = display(c.name()) + " answered " + res.status + " " + shown;
    assertThat(res.status).as(description).isBetween(400, 499);
    if (c.status() != null) {
      assertThat(res.status).as(description).isEqualTo(c.status());
    }
    assertThat(res.header("content-type")).as(description).startsWith(PROBLEM_JSON);
    JsonNode json;
    try {
      json = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new AssertionError(description + ": not JSON", e);
    }
    JsonNode code = json.get("code");
    assertThat(code).as(description).isNotNull();
    assertThat(code.isTextual()).as(description).isTrue();
    assertThat(code.asText()).as(description).isNotBlank();
    assertThat(json.path("status").asInt()).as(description).isEqualTo(res.status);
    // The source API's clients read errors[].code: every body has at least one entry, each with
    // a code and a message; validation gives one entry per field, anything else exactly one
    // entry whose code is the problem's.
    JsonNode errors = json.path("errors");
    assertThat(errors.isArray()).as(description + ": errors").isTrue();
    assertThat(errors.size()).as(description + ": errors").isPositive();
    errors.forEach(
        e -> {
          assertThat(e.path("code").asText()).as(description + ": errors[].code").isNotBlank();
          assertThat(e.path("message").asText())
              .as(description + ": errors[].message")
              .isNotBlank();
        });
    if (!"validation_failed".equals(code.asText())) {
      assertThat(errors.size()).as(description + ": one error entry").isEqualTo(1);
      assertThat(errors.get(0).path("code").asText())
          .as(description + ": errors[0].code")
          .isEqualTo(code.asText());
    }
    if (c.codes() != null) {
      Set<String> codes =
          c.codes().stream().filter(s -> !s.startsWith("field:")).collect(Collectors.toSet());
      assertThat(code.asText()).as(description).isIn(codes);
      c.codes().stream()
          .filter(s -> s.startsWith("field:"))
          .map(s -> s.substring("field:".length()))
          .forEach(
              field -> {
                List<String> fields = new ArrayList<>();
                json.path("errors").forEach(e -> fields.add(e.path("field").asText()));
                assertThat(fields).as(description).contains(field);
              });
    }
    assertThat(body)
        .as(description)
        .doesNotContain(KEY)
        .doesNotContain("Exception")
        .doesNotContain("at dev.")
        .doesNotContain("java.")
        .doesNotContain("X-Amz-Signature");
    String auth = c.req().auth;
    if (auth != null && auth.length() > 16) {
      String sent = auth.substring(auth.indexOf(' ') + 1).trim();
      assertThat(body).as(description).doesNotContain(sent);
    }
    res.headers.forEach(
        (name, value) -> assertThat(value).as(description + " header " + name).doesNotContain(KEY));
  }

  private static String display(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || Character.isSurrogate((char) c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.length() > 120 ? out.substring(0, 120) + "…" : out.toString();
  }

  private static String shorten(String path) {
    return path.length() > 80 ? path.substring(0, 80) + "…" : path;
  }

  // ---------------------------------------------------------------- requests

  private void fixtures() {
    if (uploadId != null) {
      return;
    }
    JsonNode upload = initiate("hostile-fixture-" + UUID.randomUUID() + ".bin", 12L * MIB);
    assertThat(upload.get("num_parts").asInt()).isEqualTo(3);
    String name = "hostile-fixture-" + UUID.randomUUID() + ".txt";
    Res stored = send(form(name, "text/plain", "fixture"));
    assertThat(stored.status).as(stored.text()).isEqualTo(200);
    fileId = name;
    uploadId = upload.get("upload_id").asText();
  }

  private JsonNode initiate(String name, long numBytes) {
    Res res =
        send(
            initiateReq(str(name), str("application/octet-stream"), Long.toString(numBytes), null));
    assertThat(res.status).as(res.text()).isEqualTo(200);
    return res.json();
  }

  /** One valid request per endpoint; each case changes one thing about it. */
  private Map<String, Req> validRequests() {
    Map<String, Req> requests = new LinkedHashMap<>();
    requests.put(
        "initiate",
        initiateReq(str("auth-" + UUID.randomUUID()), str("application/octet-stream"), "1", null));
    requests.put("parts/urls", json("POST", urls(uploadId), "{\"part_numbers\":[0]}"));
    requests.put(
        "checkpoint",
        json(
            "POST",
            checkpoint(uploadId),
            "{\"parts\":[{\"part_number\":0,\"part_token\":\"\\\"abc\\\"\"}]}"));
    requests.put("complete", json("POST", complete(uploadId), "{\"parts\":[]}"));
    requests.put("abort", new Req("POST", abort(uploadId)));
    requests.put("get upload", new Req("GET", UPLOADS + "/" + uploadId));
    requests.put("list uploads", new Req("GET", UPLOADS + "?limit=5"));
    requests.put("list metadata", new Req("GET", "/v1/files/metadata"));
    requests.put("one metadata", new Req("GET", "/v1/files/metadata/" + enc(fileId)));
    requests.put("info", new Req("GET", "/v1/files/info"));
    requests.put("download", new Req("GET", "/v1/files/download/" + enc(fileId)));
    requests.put("delete", new Req("DELETE", "/v1/files/delete/" + enc(fileId)));
    requests.put("simple upload", form("auth-" + UUID.randomUUID() + ".txt", "text/plain", "x"));
    return requests;
  }

  private Map<String, String> jsonEndpoints() {
    Map<String, String> endpoints = new LinkedHashMap<>();
    endpoints.put("initiate", INITIATE);
    endpoints.put("parts/urls", urls(uploadId));
    endpoints.put("checkpoint", checkpoint(uploadId));
    endpoints.put("complete", complete(uploadId));
    return endpoints;
  }

  private static Req initiateReq(String filename, String fileType, String numBytes, String resume) {
    return json(
        "POST",
        INITIATE,
        "{\"filename\":"
            + filename
            + ",\"file_type\":"
            + fileType
            + ",\"num_bytes\":"
            + numBytes
            + (resume == null ? "" : ",\"resume_if_started\":" + resume)
            + "}");
  }

  private static Req json(String method, String path, String body) {
    return new Req(method, path).type("application/json").body(body);
  }

  /** A form with one file part whose filename is raw UTF-8 in the part header. */
  private static Req form(String filename, String partType, String content) {
    String boundary = "----hostile-" + UUID.randomUUID();
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: "
            + partType
            + "\r\n\r\n"
            + content
            + "\r\n--"
            + boundary
            + "--\r\n";
    return new Req("POST", "/v1/files")
        .type("multipart/form-data; boundary=" + boundary)
        .body(body);
  }

  private static String urls(String id) {
    return UPLOADS + "/" + id + "/parts/urls";
  }

  private static String checkpoint(String id) {
    return UPLOADS + "/" + id + "/parts/checkpoint";
  }

  private static String complete(String id) {
    return UPLOADS + "/" + id + "/complete";
  }

  private static String abort(String id) {
    return UPLOADS + "/" + id + "/abort";
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String b64(String raw) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON string literal; lone surrogates are written as escapes so they reach the server. */
  private static String str(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String organizationId() {
    return Tenants.organizationOf(KEY);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A request written to the socket exactly as given. */
  private static final class Req {
    final String method;
    final String path;
    String auth = "Bearer " + KEY;
    String contentType;
    byte[] body;
    boolean chunked;
    List<String> headers = new ArrayList<>();

    Req(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Req copy() {
      Req copy = new Req(method, path);
      copy.auth = auth;
      copy.contentType = contentType;
      copy.body = body;
      copy.chunked = chunked;
      copy.headers = new ArrayList<>(headers);
      return copy;
    }

    Req header(String line) {
      headers.add(line);
      return this;
    }

    Req auth(String value) {
      auth = value;
      return this;
    }

    Req type(String value) {
      contentType = value;
      return this;
    }

    Req body(String value) {
      return body(value.getBytes(StandardCharsets.UTF_8));
    }

    Req body(byte[] value) {
      body = value;
      return this;
    }

    Req chunked() {
      chunked = true;
      return this;
    }

    boolean isJson() {
      return "application/json".equals(contentType);
    }
  }

  private record Res(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text(), e);
      }
    }
  }

  private Res send(Req req) {
    try (Socket socket = new Socket(root.getHost(), root.getPort())) {
      socket.setSoTimeout(60_000);
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      Consumer<String> line = s -> head.writeBytes((s + "\r\n").getBytes(StandardCharsets.UTF_8));
      line.accept(req.method + " " + req.path + " HTTP/1.1");
      line.accept("Host: " + root.getHost() + ":" + root.getPort());
      if (req.auth != null) {
        line.accept("Authorization: " + req.auth);
      }
      if (req.contentType != null) {
        line.accept("Content-Type: " + req.contentType);
      }
      req.headers.forEach(line);
      if (req.body != null) {
        line.accept(
            req.chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + req.body.length);
      }
      line.accept("Connection: close");
      line.accept("");
      OutputStream out = socket.getOutputStream();
      Thread writer =
          new Thread(
              () -> {
                try {
                  out.write(head.toByteArray());
                  if (req.body != null) {
                    if (req.chunked) {
                      for (int from = 0; from < req.body.length; from += 64 * 1024) {
                        int length = Math.min(64 * 1024, req.body.length - from);
                        out.write(
                            (Integer.toHexString(length) + "\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                        out.write(req.body, from, length);
                        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
                      }
                      out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                    } else {
                      out.write(req.body);
                    }
                  }
                  out.flush();
                } catch (IOException e) {
                  // The server may answer and close before reading all of a refused body.
                }
              });
      writer.start();
      Res res = read(new BufferedInputStream(socket.getInputStream()));
      writer.join(60_000);
      OpenApiConformance.check(
          req.method, req.path, res.status, res.header("Content-Type"), res.body);
      return res;
    } catch (IOException e) {
      throw new UncheckedIOException("request " + display(req.method + " " + req.path), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Res read(InputStream in) throws IOException {
    String status = readLine(in);
    if (status == null) {
      throw new IOException("the server closed the connection without answering");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header = readLine(in); header != null && !header.isEmpty(); header = readLine(in)) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (String size = readLine(in); size != null; size = readLine(in)) {
        int length = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (length == 0) {
          break;
        }
        body.writeBytes(in.readNBytes(length));
        readLine(in);
      }
    } else if (headers.containsKey("content-length")) {
      body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else {
      body.writeBytes(in.readAllBytes());
    }
    return new Res(code, headers, body.toByteArray());
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
