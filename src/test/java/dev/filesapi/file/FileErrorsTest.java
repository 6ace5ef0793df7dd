package dev.filesapi.file;

import static dev.filesapi.support.Api.plain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Problems;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client mistakes on the file endpoints are 4xx problems, never 500. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class FileErrorsTest {
  private static final String KEY = FilesTestResource.API_KEY;

  @ParameterizedTest
  @ValueSource(strings = {"metadata", "download"})
  void aNameWithANulIsNotFound(String endpoint) {
    Response response =
        plain(KEY)
            .urlEncodingEnabled(false)
            .redirects()
            .follow(false)
            .get("/v1/files/" + endpoint + "/a%00b");

    Problems.notFound(response);
  }

  @Test
  void deletingANameWithANulIsNotFound() {
    Problems.notFound(plain(KEY).urlEncodingEnabled(false).delete("/v1/files/delete/a%00b"));
  }

  @Test
  void aFileTypeFilterWithANulIsInvalid() {
    Response response =
        plain(KEY).urlEncodingEnabled(false).get("/v1/files/metadata?file_type=text/plain%00");

    Problems.validationOf(response, "file_type");
  }

  @Test
  void aFormThatBreaksOffIsABadRequest() {
    byte[] truncated =
        ("--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n\r\nhalf a fi")
            .getBytes(StandardCharsets.UTF_8);

    Response response =
        plain(KEY)
            .contentType("multipart/form-data; boundary=zz")
            .body(truncated)
            .post("/v1/files");

    assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
    assertThat(response.jsonPath().getString("code")).isEqualTo("malformed_body");
    Problems.notFound(Api.metadata(KEY, "cut.txt"));
  }

  @Test
  void aFormWithoutBoundariesIsABadRequest() {
    Response response =
        plain(KEY)
            .contentType("multipart/form-data; boundary=zz")
            .body("garbage".getBytes(StandardCharsets.UTF_8))
            .post("/v1/files");

    assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  @Test
  void aFilenameWithControlCharactersIsInvalid() {
    Problems.validationOf(
        Api.simpleUploadRawForm(KEY, "a\u0001b.txt", "text/plain", new byte[1]), "filename");
  }

  @Test
  void aPartWithAnInvalidContentTypeIsInvalid() {
    Response response =
        plain(KEY)
            .multiPart("file", "typed-" + System.nanoTime(), new byte[1], "text")
            .post("/v1/files");

    Problems.validationOf(response, "content_type");
  }
}
