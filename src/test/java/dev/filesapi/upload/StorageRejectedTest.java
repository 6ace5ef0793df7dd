package dev.filesapi.upload;

import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service signs with a secret the store does not know: the store refuses every call ({@code 403
 * SignatureDoesNotMatch}), which no retry can cure. Clients get {@code 502 storage_rejected} naming
 * the store's code, without Retry-After; the log gets the store's message once, at ERROR; neither
 * holds a secret.
 */
@QuarkusTest
@WithTestResource(
    value = FilesTestResource.class,
    initArgs =
        @ResourceArg(
            name = FilesTestResource.SERVICE_SECRET_KEY,
            value = StorageRejectedTest.WRONG))
class StorageRejectedTest {
  static final String WRONG = "wrong-secret-key-5f1d2c3b";
  private static final String KEY = FilesTestResource.API_KEY;

  @TestHTTPResource("/")
  URL root;

  private final List<LogRecord> errors = Collections.synchronizedList(new ArrayList<>());
  private final Logger rootLogger = Logger.getLogger("");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            errors.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureErrors() {
    capture.setLevel(Level.ALL);
    rootLogger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    rootLogger.removeHandler(capture);
  }

  @Test
  void initiateIs502NamingTheStoresCodeAndCreatesNothing() {
    String filename = unique("rejected-initiate");

    Response response = Api.initiate(KEY, filename, 11L * MIB, false);

    assertRejected(response);
    assertThat(Api.uploadsNamed(KEY, filename, null)).isEmpty();
    assertLoggedOnceWithTheStoresMessage();
  }

  @Test
  void aSimpleUploadIs502AndRegistersNothing() throws Exception {
    String filename = unique("rejected-simple");

    HttpResponse<String> response =
        Api.local(KEY).simpleUpload(filename, "text/plain", "hello".getBytes());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
    assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    JsonPath body = JsonPath.from(response.body());
    assertThat(body.getString("code")).isEqualTo("storage_rejected");
    assertThat(body.getString("detail")).contains("SignatureDoesNotMatch");
    assertNoSecret(response.body());
    Api.api().get("/v1/files/metadata/{id}", filename).then().statusCode(404);
    assertLoggedOnceWithTheStoresMessage();
  }

  @Test
  void readinessIsDownNamingTheRefusal() {
    Response ready = RestAssured.given().get("/q/health/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.jsonPath().getString("checks.find { it.name == 'object-store' }.status"))
        .isEqualTo("DOWN");
    assertThat(ready.jsonPath().getString("checks.find { it.name == 'object-store' }.data.reason"))
        .contains("refused");
    assertNoSecret(ready.asString());
  }

  private static void assertRejected(Response response) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(502);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.getHeader("Retry-After")).as("Retry-After").isNull();
    JsonPath body = response.jsonPath();
    assertThat(body.getString("code")).isEqualTo("storage_rejected");
    assertThat(body.getString("title")).isEqualTo("Bad Gateway");
    assertThat(body.getList("errors.code")).containsExactly("storage_rejected");
    assertThat(body.getString("detail")).contains("SignatureDoesNotMatch");
    assertNoSecret(response.asString());
  }

  private static void assertNoSecret(String text) {
    assertThat(text)
        .doesNotContain(WRONG)
        .doesNotContain(FilesTestResource.STORE_SECRET_KEY)
        .doesNotContainIgnoringCase("signature=")
        .doesNotContain("StringToSign");
  }

  private void assertLoggedOnceWithTheStoresMessage() {
    List<String> refusals =
        errors.stream().map(StorageRejectedTest::text).filter(t -> t.contains("refused")).toList();
    assertThat(refusals).hasSize(1);
    assertThat(refusals.get(0)).contains("403 SignatureDoesNotMatch: ");
    assertNoSecret(refusals.get(0));
  }

  private static String text(LogRecord record) {
    return record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
  }
}
