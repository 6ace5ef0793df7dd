package dev.filesapi.common;

import static dev.filesapi.support.Api.api;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** JSON bodies over files.http.max-json-body-size (4 MiB) are refused before parsing. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class BodyLimitFilterTest {

  @Test
  void oversizedJsonBodyIs413() {
    String padding = "x".repeat(5 * 1024 * 1024);
    api()
        .body("{\"filename\":\"" + padding + "\",\"file_type\":\"a/b\",\"num_bytes\":1}")
        .post("/v1/files/uploads/initiate")
        .then()
        .statusCode(413)
        .contentType(Problem.MEDIA_TYPE)
        .body("code", equalTo("payload_too_large"));
  }

  @Test
  void bodyJustUnderTheLimitIsParsed() {
    // 3 MiB of filename is still read, and then refused by validation, not by size.
    String padding = "x".repeat(3 * 1024 * 1024);
    api()
        .body("{\"filename\":\"" + padding + "\",\"file_type\":\"a/b\",\"num_bytes\":1}")
        .post("/v1/files/uploads/initiate")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo("filename"));
  }
}
