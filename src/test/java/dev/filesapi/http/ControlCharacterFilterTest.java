package dev.filesapi.http;

import static dev.filesapi.support.Api.api;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.problem.Problem;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A NUL or other control character in a URL is a 4xx everywhere, never a database error. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class ControlCharacterFilterTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /v1/files/metadata/a%00b",
        "GET /v1/files/download/a%00b",
        "DELETE /v1/files/delete/a%0Ab",
        "GET /v1/files/uploads/upl_%01"
      })
  void controlCharactersInThePathAre404(String request) {
    String[] parts = request.split(" ");
    api()
        .urlEncodingEnabled(false)
        .request(parts[0], parts[1])
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("code", equalTo("not_found"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file_type=a%00b", "shard_index=1%00"})
  void controlCharactersInTheQueryAre400NamingTheParameter(String query) {
    api()
        .urlEncodingEnabled(false)
        .get("/v1/files/metadata?" + query)
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo(query.substring(0, query.indexOf('='))));
  }
}
