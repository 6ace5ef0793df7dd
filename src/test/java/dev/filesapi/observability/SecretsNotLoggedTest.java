package dev.filesapi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application's log records, captured while a client works with a valid key, a wrong key and
 * presigned URLs, hold none of the secrets: API keys, URL signatures, the store's secret key.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class SecretsNotLoggedTest {
  private static final String KEY = FilesTestResource.API_KEY;
  private static final String S3_SECRET = "test-secret-key";
  private static final Pattern SIGNATURE = Pattern.compile("X-Amz-Signature=([0-9a-fA-F]+)");

  @TestHTTPResource("/")
  URL root;

  private final List<String> captured = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> signatures = new LinkedHashSet<>();
  private final Logger rootLogger = Logger.getLogger("");
  private final Logger appLogger = Logger.getLogger("dev.filesapi");
  private final Logger requestLogger = Logger.getLogger("dev.filesapi.requests");
  private Level appLevel;
  private Level requestLevel;
  private final Handler capture =
      new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
          StringBuilder text = new StringBuilder(record.getLoggerName() + ": ");
          text.append(
              record instanceof ExtLogRecord ext
                  ? ext.getFormattedMessage()
                  : formatter.formatMessage(record));
          text.append(" | raw: ").append(record.getMessage());
          if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
              text.append(" | ").append(parameter);
            }
          }
          for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append(" | thrown: ").append(t);
            if (t.getCause() == t) {
              break;
            }
          }
          captured.add(text.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    capture.setLevel(Level.ALL);
    rootLogger.addHandler(capture);
    // Our own debug messages too, not only what the test profile prints.
    appLevel = appLogger.getLevel();
    appLogger.setLevel(Level.FINE);
    // The request log is quiet in tests; here its lines are read too.
    requestLevel = requestLogger.getLevel();
    requestLogger.setLevel(Level.INFO);
  }

  @AfterEach
  void stopCapturing() {
    rootLogger.removeHandler(capture);
    appLogger.setLevel(appLevel);
    requestLogger.setLevel(requestLevel);
  }

  @Test
  void noSecretReachesTheLog() throws Exception {
    String wrongKey = "fk_live_" + UUID.randomUUID().toString().replace("-", "") + "wrong";

    // A whole upload: initiate, PUT, fresh URLs, checkpoint, complete, download.
    byte[] content = new byte[4096];
    new Random(7).nextBytes(content);
    String filename = "secrets/" + UUID.randomUUID() + ".bin";
    JsonPath initiated =
        Api.initiate(KEY, filename, content.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    String uploadId = initiated.getString("upload_id");
    List<Map<String, Object>> parts = initiated.getList("parts");
    parts.forEach(part -> collectSignatures((String) part.get("url")));
    Response fresh =
        Api.api()
            .body(Map.of("part_numbers", List.of(0)))
            .post("/v1/files/uploads/{id}/parts/urls", uploadId);
    assertThat(fresh.statusCode()).as(fresh.asString()).isEqualTo(200);
    collectSignatures(fresh.asString());
    List<Map<String, Object>> tokens = Api.putAll(parts, content);
    Api.api()
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/parts/checkpoint", uploadId)
        .then()
        .statusCode(200);
    Api.api()
        .body(Map.of("parts", List.of()))
        .post("/v1/files/uploads/{id}/complete", uploadId)
        .then()
        .statusCode(200);
    Response download =
        Api.api()
            .redirects()
            .follow(false)
            .urlEncodingEnabled(false)
            .get(
                "/v1/files/download/"
                    + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20"));
    assertThat(download.statusCode()).as(download.asString()).isEqualTo(302);
    collectSignatures(download.header("Location"));
    assertThat(Api.get(download.header("Location")).body()).isEqualTo(content);

    // A simple upload and its download.
    String small = "secrets-" + UUID.randomUUID() + ".txt";
    HttpResponse<String> stored =
        Api.local(KEY).simpleUpload(small, "text/plain", "hello".getBytes());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    Response smallDownload = Api.api().redirects().follow(false).get("/v1/files/download/" + small);
    assertThat(smallDownload.statusCode()).isEqualTo(302);
    collectSignatures(smallDownload.header("Location"));

    // A wrong key on every kind of endpoint, and keys where ids and names belong.
    for (Response refused :
        List.of(
            Api.as(wrongKey).get("/v1/files/info"),
            Api.as(wrongKey).get("/v1/files/uploads/{id}", uploadId),
            Api.as(wrongKey)
                .body(Map.of("part_numbers", List.of(0)))
                .post("/v1/files/uploads/{id}/parts/urls", uploadId),
            Api.as(wrongKey).body(Map.of()).post("/v1/files/uploads/{id}/complete", uploadId),
            Api.initiate(wrongKey, "secrets-wrong.bin", 10, false),
            io.restassured.RestAssured.given()
                .header("Authorization", wrongKey)
                .get("/v1/files/metadata"),
            io.restassured.RestAssured.given()
                .header("Authorization", "Basic " + KEY)
                .get("/v1/files/metadata"))) {
      assertThat(refused.statusCode()).isEqualTo(401);
    }
    assertThat(Api.api().get("/v1/files/metadata/{id}", wrongKey).statusCode()).isEqualTo(404);
    assertThat(Api.api().get("/v1/files/uploads/{id}", "upl_" + wrongKey).statusCode())
        .isEqualTo(404);
    assertThat(
            Api.api()
                .body(
                    Map.of(
                        "filename",
                        wrongKey + "\u0001",
                        "file_type",
                        "application/octet-stream",
                        "num_bytes",
                        1))
                .post("/v1/files/uploads/initiate")
                .statusCode())
        .isEqualTo(400);

    // The admin API: a new organization and key, and a wrong admin token.
    String organizationId =
        io.restassured.RestAssured.given()
            .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
            .contentType("application/json")
            .body(Map.of("name", "secrets-" + UUID.randomUUID()))
            .post("/v1/admin/organizations")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String createdKey =
        io.restassured.RestAssured.given()
            .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
            .contentType("application/json")
            .body(Map.of("name", "k"))
            .post("/v1/admin/organizations/{id}/api-keys", organizationId)
            .then()
            .statusCode(201)
            .extract()
            .path("key");
    Api.as(createdKey).get("/v1/files/info").then().statusCode(200);
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN + "x")
        .get("/v1/admin/organizations")
        .then()
        .statusCode(401);

    assertThat(signatures).as("signatures seen in responses").hasSizeGreaterThanOrEqualTo(3);
    List<String> lines;
    synchronized (captured) {
      lines = List.copyOf(captured);
    }
    // The capture works: the state machine logs each transition at INFO.
    assertThat(lines)
        .as("captured log records")
        .isNotEmpty()
        .anyMatch(line -> line.contains(uploadId) && line.contains("new -> in_progress"))
        .anyMatch(line -> line.contains(uploadId) && line.contains("completing -> completed"))
        // One line per request, with the upload id (in the path), the organization and the
        // upload's state changes, which have no lines of their own.
        .anyMatch(
            line ->
                line.startsWith("dev.filesapi.requests")
                    && line.contains("POST /v1/files/uploads/" + uploadId + "/complete 200")
                    && line.contains(" org org_")
                    && line.contains("in_progress -> completing")
                    && line.contains("completing -> completed"))
        .noneMatch(line -> line.startsWith("dev.filesapi.upload") && line.contains(uploadId));
    for (String line : lines) {
      assertThat(line)
          .as("log record")
          .doesNotContain(KEY)
          .doesNotContain(wrongKey)
          .doesNotContain(createdKey)
          .doesNotContain(FilesTestResource.ADMIN_TOKEN)
          .doesNotContain(S3_SECRET)
          .doesNotContain("X-Amz-Signature=");
      for (String signature : signatures) {
        assertThat(line).as("log record").doesNotContain(signature);
      }
    }
  }

  private void collectSignatures(String text) {
    Matcher matcher = SIGNATURE.matcher(text);
    while (matcher.find()) {
      signatures.add(matcher.group(1));
    }
  }
}
