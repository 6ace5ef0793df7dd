package dev.filesapi.hostile;

import static dev.filesapi.hostile.RawHttp.display;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.hostile.RawHttp.Req;
import dev.filesapi.hostile.RawHttp.Res;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestInstance;

/**
 * Malformed or hostile requests to the endpoints under /v1, sent over a raw socket ({@link
 * RawHttp}). Every one must be a 4xx problem with a stable code that leaks nothing ({@link
 * #check}); hostile values that are legitimately valid (traversal or SQL-looking names) must
 * round-trip byte for byte. Each subclass covers one group of endpoints; all share one started
 * application, an in-progress upload and a stored file made once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractHostileInputTest {
  static final String KEY = FilesTestResource.API_KEY;
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final int MIB = 1024 * 1024;
  static final String UPLOADS = "/v1/files/uploads";
  static final String INITIATE = UPLOADS + "/initiate";
  static final String PROBLEM_JSON = "application/problem+json";

  static final List<String> SQL =
      List.of("' OR 1=1 --", "'; DROP TABLE upload; --", "\" or \"\"=\"");
  static final List<String> TRAVERSAL =
      List.of("../../etc/passwd", "..\\..\\boot.ini", "/abs/path", "%2e%2e%2f", "....//....//x");

  final AtomicInteger rejected = new AtomicInteger();
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger codec = new AtomicInteger();

  @TestHTTPResource("/")
  URL root;

  /** An in-progress upload of 12 MiB (three 5 MiB-planned parts: 0, 1, 2) and a stored file. */
  String uploadId;

  String fileId;

  /**
   * How many hostile requests this class sends at least, so that a case list that shrinks by
   * mistake fails the class (together the classes send several times the 250 first required).
   */
  abstract int minimumRejectedCases();

  @BeforeAll
  void fixtures() {
    JsonNode upload = initiate("hostile-fixture-" + UUID.randomUUID() + ".bin", 12L * MIB);
    assertThat(upload.get("num_parts").asInt()).isEqualTo(3);
    String name = "hostile-fixture-" + UUID.randomUUID() + ".txt";
    Res stored = send(form(name, "text/plain", "fixture"));
    assertThat(stored.status()).as(stored.text()).isEqualTo(200);
    fileId = name;
    uploadId = upload.get("upload_id").asText();
  }

  @AfterAll
  void enoughHostileRequestsRan() {
    System.out.printf(
        "%s: %d hostile requests answered 4xx problems, %d hostile-but-valid"
            + " requests round-tripped, %d refused by the HTTP codec%n",
        getClass().getSimpleName(), rejected.get(), accepted.get(), codec.get());
    assertThat(rejected.get()).isGreaterThanOrEqualTo(minimumRejectedCases());
  }

  // ---------------------------------------------------------------- cases and checks

  record Case(String name, Req req, Integer status, Set<String> codes) {}

  static Case expect(String name, Req req, Integer status, String... codes) {
    return new Case(name, req, status, codes.length == 0 ? null : Set.of(codes));
  }

  static Case validation(String name, Req req, String field) {
    return new Case(
        name + " (field " + field + ")", req, 400, Set.of("validation_failed", "field:" + field));
  }

  Stream<DynamicTest> run(List<Case> cases) {
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    display(c.name()),
                    () -> {
                      rejected.incrementAndGet();
                      check(c, send(c.req()));
                    }));
  }

  DynamicTest accepted(String name, Runnable test) {
    return DynamicTest.dynamicTest(
        display(name),
        () -> {
          accepted.incrementAndGet();
          test.run();
        });
  }

  /**
   * The common assertion on a refused request: a 4xx (the case's status, when it names one) with a
   * problem body whose code is one of the case's and whose {@code errors[]} entries carry codes,
   * and nothing of the key, a stack trace or a signature in the body or the headers.
   */
  static void check(Case c, Res res) {
    String body = res.text();
    String shown = body.length() > 600 ? body.substring(0, 600) + "…" : body;
    String description = display(c.name()) + " answered " + res.status() + " " + shown;
    assertThat(res.status()).as(description).isBetween(400, 499);
    if (c.status() != null) {
      assertThat(res.status()).as(description).isEqualTo(c.status());
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
    assertThat(json.path("status").asInt()).as(description).isEqualTo(res.status());
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
    res.headers()
        .forEach(
            (name, value) ->
                assertThat(value).as(description + " header " + name).doesNotContain(KEY));
  }

  static String shorten(String path) {
    return path.length() > 80 ? path.substring(0, 80) + "…" : path;
  }

  // ---------------------------------------------------------------- requests

  Res send(Req req) {
    return RawHttp.send(root, req);
  }

  JsonNode initiate(String name, long numBytes) {
    Res res =
        send(
            initiateReq(str(name), str("application/octet-stream"), Long.toString(numBytes), null));
    assertThat(res.status()).as(res.text()).isEqualTo(200);
    return res.json();
  }

  /** One valid request per endpoint; each case changes one thing about it. */
  Map<String, Req> validRequests() {
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

  Map<String, String> jsonEndpoints() {
    Map<String, String> endpoints = new LinkedHashMap<>();
    endpoints.put("initiate", INITIATE);
    endpoints.put("parts/urls", urls(uploadId));
    endpoints.put("checkpoint", checkpoint(uploadId));
    endpoints.put("complete", complete(uploadId));
    return endpoints;
  }

  static Req initiateReq(String filename, String fileType, String numBytes, String resume) {
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

  static Req json(String method, String path, String body) {
    return new Req(method, path).type("application/json").body(body);
  }

  /** A form with one file part whose filename is raw UTF-8 in the part header. */
  static Req form(String filename, String partType, String content) {
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

  static String urls(String id) {
    return UPLOADS + "/" + id + "/parts/urls";
  }

  static String checkpoint(String id) {
    return UPLOADS + "/" + id + "/parts/checkpoint";
  }

  static String complete(String id) {
    return UPLOADS + "/" + id + "/complete";
  }

  static String abort(String id) {
    return UPLOADS + "/" + id + "/abort";
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String b64(String raw) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON string literal; lone surrogates are written as escapes so they reach the server. */
  static String str(String value) {
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

  static String organizationId() {
    return Tenants.organizationOf(KEY);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
