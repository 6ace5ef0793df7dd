package dev.filesapi.packaged;

import static dev.filesapi.support.Api.api;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.PackagedService;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged application (the fast-jar, or the native executable with {@code -Dnative}) in its
 * prod profile, driven over HTTP only: a whole upload through presigned URLs, and the error bodies.
 * Nothing here reaches into the application, so it runs unchanged against a native binary.
 */
@ExtendWith(PackagedService.class)
class PackagedLifecycleIT {
  /** The prod profile's part size (files.upload.part-size=8M). */
  private static final int PART_SIZE = 8 * 1024 * 1024;

  /** 9 MiB: one full 8 MiB part and a 1 MiB last part. */
  private static final int FILE_SIZE = 9 * 1024 * 1024;

  @Test
  void initiatePutCheckpointCompleteAndDownloadTheSameBytes() {
    byte[] content = new byte[FILE_SIZE];
    new Random(42).nextBytes(content);
    String name = "packaged-" + UUID.randomUUID() + ".bin";

    JsonPath initiated =
        Api.initiate(FilesTestResource.API_KEY, name, content.length, false)
            .then()
            .statusCode(200)
            .contentType(startsWith("application/json"))
            .extract()
            .jsonPath();
    String uploadId = initiated.getString("upload_id");
    assertThat(uploadId).startsWith("upl_");
    assertThat(initiated.getInt("num_parts")).isEqualTo(2);
    assertThat(initiated.getLong("part_size")).isEqualTo(PART_SIZE);
    assertThat(initiated.getBoolean("is_resume")).isFalse();
    List<Map<String, Object>> parts = initiated.getList("parts");
    assertThat(parts)
        .extracting(part -> ((Number) part.get("length")).longValue())
        .containsExactly((long) PART_SIZE, (long) (FILE_SIZE - PART_SIZE));

    // The bytes go straight to the store; the ETags become the part tokens.
    List<Map<String, Object>> tokens = Api.putAll(parts, content);

    api()
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/parts/checkpoint", uploadId)
        .then()
        .statusCode(200)
        .body("num_checkpointed", equalTo(2));
    api()
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .body("status", equalTo("in_progress"))
        .body("checkpointed_parts", equalTo(List.of(0, 1)));

    api()
        .body(Map.of("parts", List.of()))
        .post("/v1/files/uploads/{id}/complete", uploadId)
        .then()
        .statusCode(200)
        .body("file_name", equalTo(name))
        .body("file_id", equalTo(name))
        .body("num_bytes", equalTo(FILE_SIZE))
        .body("file_status", equalTo("Registered"));

    api()
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"))
        .body("file_id", equalTo(name));

    Response download = api().redirects().follow(false).get("/v1/files/download/{file_id}", name);
    assertThat(download.statusCode()).isEqualTo(302);
    String location = download.header("Location");
    assertThat(location).as("presigned GET").isNotBlank();

    HttpResponse<byte[]> fetched = Api.get(location);
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).hasSize(FILE_SIZE).isEqualTo(content);
  }

  @Test
  void anInvalidInitiateIsAProblemWithTheFieldsNamed() {
    Api.initiate(FilesTestResource.API_KEY, "zero-" + UUID.randomUUID(), 0, false)
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(400))
        .body("code", equalTo("validation_failed"))
        .body("title", equalTo("Bad Request"))
        .body("errors[0].field", equalTo("num_bytes"));
  }

  @Test
  void withoutAnApiKeyTheAnswerIs401() {
    given()
        .get("/v1/files/info")
        .then()
        .statusCode(401)
        .contentType(startsWith("application/problem+json"))
        .body("code", equalTo("unauthorized"));
  }

  @Test
  void theBootstrapKeyReadsItsOrganizationsTotals() {
    api().get("/v1/files/info").then().statusCode(200).body("num_files", notNullValue());
  }
}
