package dev.filesapi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance check itself: answers that disagree with the OpenAPI document are reported by the
 * plain entry point, by the {@code java.net.http} wrapper and by the rest-assured filter alike, and
 * what is exempt is exempt. No service is needed: the answers are made up here, or served by a
 * small HTTP server on the loopback that answers what each test asks of it.
 */
class OpenApiConformanceTest {
  private static final java.nio.charset.Charset UTF_8 = StandardCharsets.UTF_8;
  private static final String PROBLEM = "application/problem+json";
  private static final String NOT_FOUND =
      "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"not_found\","
          + "\"errors\":[{\"code\":\"not_found\",\"message\":\"no such upload\"}]}";

  private static HttpServer server;

  @BeforeAll
  static void serve() throws IOException {
    // Answers GET /v1/files/uploads/{status} with that status and the X-Answer header as its body.
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String[] segments = exchange.getRequestURI().getPath().split("/");
          byte[] body = exchange.getRequestHeaders().getFirst("X-Answer").getBytes(UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
          exchange.sendResponseHeaders(Integer.parseInt(segments[4]), body.length);
          try (var out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private String mode;

  /** These tests are about failing: -Dopenapi.conformance=report or =off must not change them. */
  @BeforeEach
  void failOnDisagreement() {
    mode = System.getProperty("openapi.conformance");
    System.setProperty("openapi.conformance", "fail");
  }

  @AfterEach
  void restoreTheMode() {
    if (mode == null) {
      System.clearProperty("openapi.conformance");
    } else {
      System.setProperty("openapi.conformance", mode);
    }
  }

  private static List<String> violations(String method, String target, int status, String body) {
    return OpenApiConformance.violations(
        method, target, status, PROBLEM, body == null ? null : body.getBytes(UTF_8));
  }

  @Test
  void aDocumentedAnswerConforms() {
    assertThat(violations("GET", "/v1/files/uploads/upl_x", 404, NOT_FOUND)).isEmpty();
    assertThat(
            OpenApiConformance.violations(
                "GET",
                "/v1/files/info?x=1",
                200,
                "application/json",
                "{\"num_files\":1,\"num_bytes\":2,\"num_ingested\":1,\"last_updated\":0}"
                    .getBytes(UTF_8)))
        .isEmpty();
  }

  @Test
  void anUndocumentedStatusIsReported() {
    assertThat(violations("GET", "/v1/files/uploads/upl_x", 418, NOT_FOUND))
        .singleElement()
        .asString()
        .contains("GET /v1/files/uploads/upl_x -> 418", "status not documented for getUpload");
    // 409 is documented for complete, not for getUpload.
    assertThat(violations("GET", "/v1/files/uploads/upl_x", 409, NOT_FOUND)).hasSize(1);
  }

  @Test
  void aBodyMissingARequiredFieldIsReported() {
    assertThat(violations("GET", "/v1/files/uploads/upl_x", 404, "{\"code\":\"not_found\"}"))
        .anySatisfy(
            v -> assertThat(v).contains("body does not match the documented schema", "errors"));
    // Every problem carries its code.
    assertThat(
            violations(
                "GET",
                "/v1/files/uploads/upl_x",
                404,
                NOT_FOUND.replaceFirst("\"code\":\"not_found\",", "")))
        .singleElement()
        .asString()
        .contains("body does not match the documented schema", "code");
  }

  @Test
  void aFieldOfTheWrongTypeIsReported() {
    assertThat(
            violations(
                "GET",
                "/v1/files/uploads/upl_x",
                404,
                NOT_FOUND.replace("\"status\":404", "\"status\":\"404\"")))
        .singleElement()
        .asString()
        .contains("status");
  }

  @Test
  void anUndocumentedMediaTypeOrABodyThatIsNotJsonIsReported() {
    assertThat(
            OpenApiConformance.violations(
                "GET", "/v1/files/info", 200, "text/html", "<p>hi</p>".getBytes(UTF_8)))
        .singleElement()
        .asString()
        .contains("text/html is not documented");
    assertThat(violations("GET", "/v1/files/uploads/upl_x", 404, "not json"))
        .singleElement()
        .asString()
        .contains("the body is not JSON");
  }

  @Test
  void aMissingDeclaredBodyIsReported() {
    // getUpload's 200 declares application/json: an empty answer breaks a generated client.
    assertThat(
            OpenApiConformance.violations("GET", "/v1/files/uploads/upl_x", 200, null, new byte[0]))
        .singleElement()
        .asString()
        .contains("GET /v1/files/uploads/upl_x -> 200", "no body", "application/json");
    assertThat(violations("GET", "/v1/files/uploads/upl_x", 404, "")).hasSize(1);
    // abort's 200 declares no body (issue 27): an empty answer conforms, a body does not.
    assertThat(
            OpenApiConformance.violations(
                "POST", "/v1/files/uploads/upl_x/abort", 200, null, new byte[0]))
        .isEmpty();
    assertThat(
            OpenApiConformance.violations(
                "POST",
                "/v1/files/uploads/upl_x/abort",
                200,
                "application/json",
                "{}".getBytes(UTF_8)))
        .singleElement()
        .asString()
        .contains("declares none");
    // A body with no Content-Type where one is declared.
    assertThat(
            OpenApiConformance.violations(
                "GET", "/v1/files/info", 200, null, "{\"num_files\":1}".getBytes(UTF_8)))
        .singleElement()
        .asString()
        .contains("without a Content-Type");
    // A body not read (a redirect followed by the client) is not judged.
    assertThat(OpenApiConformance.violations("GET", "/v1/files/info", 200, null, null)).isEmpty();
  }

  @Test
  void anAnswerOnAnUndescribedPathMustBeA404OrA405() {
    assertThat(violations("GET", "/v1/nowhere", 404, NOT_FOUND)).isEmpty();
    assertThat(violations("TRACE", "/v1/files/info", 405, NOT_FOUND)).isEmpty();
    // GET on complete is complete's path without GET, not getUpload of "upl_x/complete".
    assertThat(violations("GET", "/v1/files/uploads/upl_x/complete", 405, NOT_FOUND)).isEmpty();
    // A file id holds slashes where no other path matches.
    assertThat(violations("GET", "/v1/files/metadata/a/b/c.txt", 404, NOT_FOUND)).isEmpty();
    assertThat(violations("GET", "/v1/files/metadata/a/b/c.txt", 409, NOT_FOUND)).hasSize(1);
    assertThat(violations("GET", "/v1/nowhere", 200, "{}"))
        .singleElement()
        .asString()
        .contains("no such operation");
  }

  @Test
  void pathsAreResolvedAsTheRouterDoes() {
    // A trailing slash is ignored and empty segments dropped: /v1/webhooks/ is listWebhooks.
    assertThat(
            OpenApiConformance.violations(
                "GET",
                "/v1/webhooks/",
                200,
                "application/json",
                "{\"webhooks\":[]}".getBytes(UTF_8)))
        .isEmpty();
    assertThat(
            OpenApiConformance.violations(
                "GET", "/v1/webhooks/", 200, "application/json", "[]".getBytes(UTF_8)))
        .singleElement()
        .asString()
        .contains("body does not match");
    // POST /v1/files/uploads//abort is POST on /v1/files/uploads/abort: no such operation.
    assertThat(violations("POST", "/v1/files/uploads//abort", 405, NOT_FOUND)).isEmpty();
    // Refused before routing, on a path nothing describes: still a problem.
    assertThat(violations("POST", "/v1/nowhere", 415, NOT_FOUND)).isEmpty();
    assertThat(violations("POST", "/v1/nowhere", 415, "{\"code\":\"x\"}"))
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v).contains("body does not match"));
  }

  @Test
  void exemptionsAreNarrow() {
    // The codec's bare refusals, on any path.
    assertThat(OpenApiConformance.violations("GET", "/v1/files/info", 431, null, new byte[0]))
        .isEmpty();
    assertThat(OpenApiConformance.violations("GET", "/v1/files/info", 414, null, new byte[0]))
        .isEmpty();
    // ... but not with a body, nor another status.
    assertThat(OpenApiConformance.violations("GET", "/v1/files/info", 431, PROBLEM, new byte[2]))
        .isNotEmpty();
    assertThat(OpenApiConformance.violations("GET", "/v1/files/info", 418, null, new byte[0]))
        .isNotEmpty();
    // Outside the API: health, the store's presigned URLs.
    assertThat(violations("GET", "/q/health/ready", 503, "x")).isEmpty();
    assertThat(violations("PUT", "/files-test/orgs/org_x/f?X-Amz-Signature=1", 403, "x")).isEmpty();
    // A streamed download's body is the file, whatever its type; its status is still checked.
    assertThat(
            OpenApiConformance.violations(
                "GET", "/v1/files/download/a.json", 200, "application/json", "[1]".getBytes(UTF_8)))
        .isEmpty();
    assertThat(violations("GET", "/v1/files/download/a.json", 302, null)).isEmpty();
    assertThat(violations("GET", "/v1/files/download/a.json", 201, "{}")).hasSize(1);
  }

  @Test
  void checkFailsTheCaller() {
    assertThatThrownBy(
            () ->
                OpenApiConformance.check(
                    "GET", "/v1/files/uploads/upl_x", 418, PROBLEM, NOT_FOUND.getBytes(UTF_8)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("status not documented");
  }

  @Test
  void theHttpClientWrapperChecksAndHandsOverTheBody() throws Exception {
    HttpClient http = ConformingHttpClient.wrap(HttpClient.newHttpClient());

    HttpResponse<String> ok =
        http.send(request(404, NOT_FOUND), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(404);
    assertThat(ok.body()).isEqualTo(NOT_FOUND);
    try (InputStream stream =
        http.send(request(404, NOT_FOUND), HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(new String(stream.readAllBytes(), UTF_8)).isEqualTo(NOT_FOUND);
    }
    assertThat(
            http.sendAsync(request(404, NOT_FOUND), HttpResponse.BodyHandlers.ofByteArray())
                .get()
                .body())
        .isEqualTo(NOT_FOUND.getBytes(UTF_8));

    assertThatThrownBy(
            () -> http.send(request(418, NOT_FOUND), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("-> 418");
    assertThatThrownBy(
            () ->
                http.send(request(404, "{\"code\":\"x\"}"), HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("body does not match");
    assertThatThrownBy(
            () ->
                ConformingHttpClient.builder(HttpClient.newBuilder())
                    .build()
                    .send(request(418, NOT_FOUND), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void theRestAssuredFilterChecks() {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/files/uploads/418";
    assertThatThrownBy(
            () ->
                RestAssured.given()
                    .filter(OpenApiConformance.filter())
                    .header("X-Answer", NOT_FOUND)
                    .get(url))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("status not documented for getUpload");
  }

  private static HttpRequest request(int status, String body) {
    return HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:"
                    + server.getAddress().getPort()
                    + "/v1/files/uploads/"
                    + status))
        .header("X-Answer", body)
        .build();
  }
}
