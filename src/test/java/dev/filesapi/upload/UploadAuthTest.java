package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.abort;
import static dev.filesapi.upload.UploadTestSupport.assertUnchanged;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.token;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every upload endpoint answers 401 problems without a valid Bearer key, and never echoes it. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UploadAuthTest {
  /** Each upload endpoint, called with a well-formed body so only the credential is wrong. */
  private static Map<String, Function<RequestSpecification, Response>> endpoints(String uploadId) {
    return Map.of(
        "initiate",
        spec ->
            spec.body(
                    Map.of("filename", unique("auth"), "file_type", "text/plain", "num_bytes", 10))
                .post("/v1/files/uploads/initiate"),
        "parts/urls",
        spec ->
            spec.body(Map.of("part_numbers", List.of(0)))
                .post("/v1/files/uploads/{id}/parts/urls", uploadId),
        "checkpoint",
        spec ->
            spec.body(Map.of("parts", List.of(token(0, "\"aa\""))))
                .post("/v1/files/uploads/{id}/parts/checkpoint", uploadId),
        "complete",
        spec ->
            spec.body(Map.of("parts", List.of(token(0, "\"aa\""))))
                .post("/v1/files/uploads/{id}/complete", uploadId),
        "abort",
        spec -> spec.post("/v1/files/uploads/{id}/abort", uploadId),
        "get",
        spec -> spec.get("/v1/files/uploads/{id}", uploadId),
        "list",
        spec -> spec.get("/v1/files/uploads"));
  }

  private static void assertUnauthorized(Response response, String secret, String what) {
    JsonPath problem = problem(response, 401, "unauthorized");
    assertThat(response.getHeader("WWW-Authenticate")).as(what).startsWith("Bearer");
    assertThat(problem.getString("detail")).as(what).isNotBlank();
    if (secret != null && !secret.isBlank()) {
      assertThat(response.asString()).as(what).doesNotContain(secret);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Bearer garbage",
        "Basic xyz",
        "Basic ZmtfbGl2ZV90ZXN0a2V5MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA==",
        "Bearer ",
        "Bearer",
        "bearer fk_live_nosuchkey000000000000000000000000000000",
        "Bearer fk_live_testkey0000000000000000000000000000000x",
        "Token fk_live_testkey0000000000000000000000000000000",
        "fk_live_testkey0000000000000000000000000000000"
      })
  void everyUploadEndpointAnswers401WithoutAValidBearerKey(String authorization) {
    String uploadId = initiate(unique("auth-target"), 10L * 1024 * 1024 + 1).getString("upload_id");
    String secret = authorization.replaceFirst("^(?i)(bearer|basic|token)\\s*", "");
    endpoints(uploadId)
        .forEach(
            (name, call) -> {
              RequestSpecification spec = given().contentType(ContentType.JSON);
              if (!authorization.isEmpty()) {
                spec = spec.header("Authorization", authorization);
              }
              assertUnauthorized(call.apply(spec), secret, name + " with '" + authorization + "'");
            });
    // Nothing the unauthenticated calls asked for happened.
    assertUnchanged(uploadId);
    abort(uploadId);
  }

  @Test
  void noAuthorizationHeaderAtAllIs401() {
    Response response = given().get("/v1/files/uploads");
    assertUnauthorized(response, null, "list without header");
  }

  @Test
  void theValidKeyWithALowercaseSchemeWorks() {
    given()
        .header("Authorization", "bearer " + KEY)
        .get("/v1/files/uploads")
        .then()
        .statusCode(200);
  }
}
