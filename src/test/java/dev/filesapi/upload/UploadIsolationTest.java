package dev.filesapi.upload;

import static dev.filesapi.support.Api.as;
import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.abort;
import static dev.filesapi.upload.UploadTestSupport.assertUnchanged;
import static dev.filesapi.upload.UploadTestSupport.checkpoint;
import static dev.filesapi.upload.UploadTestSupport.content;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.post;
import static dev.filesapi.upload.UploadTestSupport.token;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static dev.filesapi.upload.UploadTestSupport.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Another organization's upload ids answer 404 on every endpoint and are never touched. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UploadIsolationTest {

  /** The problem an id that exists nowhere gets; another org's id must look the same. */
  private static void assertLikeUnknown(
      Response forOther, Response forUnknown, String uploadId, String unknownId) {
    JsonPath other = problem(forOther, 404, "not_found");
    JsonPath unknown = problem(forUnknown, 404, "not_found");
    assertThat(other.getString("detail").replace(uploadId, "ID"))
        .isEqualTo(unknown.getString("detail").replace(unknownId, "ID"));
  }

  @Test
  void everyEndpointWithAnIdAnswers404ForAnotherOrganizationsUpload() {
    String keyB = Tenants.newOrganizationKey("isolation-" + UUID.randomUUID());
    byte[] bytes = content(2000, 21);
    JsonPath upload = initiate(unique("iso"), bytes.length);
    String uploadId = upload.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), bytes);
    checkpoint(uploadId, tokens.get(0)).then().statusCode(200);
    String unknown = "upl_" + "0".repeat(26);

    assertLikeUnknown(
        as(keyB).get("/v1/files/uploads/{id}", uploadId),
        as(keyB).get("/v1/files/uploads/{id}", unknown),
        uploadId,
        unknown);
    Map<String, Object> urls = Map.of("part_numbers", List.of(0));
    assertLikeUnknown(
        post(keyB, "/parts/urls", uploadId, urls),
        post(keyB, "/parts/urls", unknown, urls),
        uploadId,
        unknown);
    // Out-of-range numbers must not reveal the part count either.
    problem(
        post(keyB, "/parts/urls", uploadId, Map.of("part_numbers", List.of(7))), 404, "not_found");
    Map<String, Object> checkpoint = Map.of("parts", List.of(token(0, "\"deadbeef\"")));
    assertLikeUnknown(
        post(keyB, "/parts/checkpoint", uploadId, checkpoint),
        post(keyB, "/parts/checkpoint", unknown, checkpoint),
        uploadId,
        unknown);
    Map<String, Object> complete = Map.of("parts", tokens);
    assertLikeUnknown(
        post(keyB, "/complete", uploadId, complete),
        post(keyB, "/complete", unknown, complete),
        uploadId,
        unknown);
    problem(post(keyB, "/complete", uploadId, Map.of("parts", List.of())), 404, "not_found");
    assertLikeUnknown(
        as(keyB).post("/v1/files/uploads/{id}/abort", uploadId),
        as(keyB).post("/v1/files/uploads/{id}/abort", unknown),
        uploadId,
        unknown);

    // Organization A's upload is exactly as it was, and still completes with its own token.
    assertUnchanged(uploadId, 0);
    JsonPath asA = view(uploadId);
    assertThat(asA.getString("file_uid")).isEqualTo(upload.getString("file_uid"));
    Response done = post("/complete", uploadId, Map.of("parts", List.of()));
    assertThat(done.statusCode()).as(done.asString()).isEqualTo(200);
    // ... and once completed, B still sees nothing.
    problem(as(keyB).get("/v1/files/uploads/{id}", uploadId), 404, "not_found");
    problem(post(keyB, "/complete", uploadId, Map.of("parts", List.of())), 404, "not_found");
    problem(as(keyB).post("/v1/files/uploads/{id}/abort", uploadId), 404, "not_found");
  }

  @Test
  void listingAsAnotherOrganizationNeverShowsTheFirstOrganizationsUploads() {
    String keyB = Tenants.newOrganizationKey("isolation-list-" + UUID.randomUUID());
    String ofA = initiate(unique("iso-list-a"), 10).getString("upload_id");
    String ofB = initiate(keyB, unique("iso-list-b"), 10).getString("upload_id");

    JsonPath listB =
        as(keyB).get("/v1/files/uploads?limit=1000").then().statusCode(200).extract().jsonPath();
    assertThat(listB.getList("uploads.upload_id", String.class)).containsExactly(ofB);
    for (String status : List.of("in_progress", "aborted", "completed")) {
      assertThat(
              as(keyB)
                  .queryParam("status", status)
                  .get("/v1/files/uploads")
                  .jsonPath()
                  .getList("uploads.upload_id", String.class))
          .doesNotContain(ofA);
    }
    assertThat(view(ofA).getString("status")).isEqualTo("in_progress");
    abort(ofA);
    as(keyB).post("/v1/files/uploads/{id}/abort", ofB).then().statusCode(200);
  }

  @Test
  void resumeNeverReusesAnotherOrganizationsUpload() {
    String keyB = Tenants.newOrganizationKey("isolation-resume-" + UUID.randomUUID());
    String filename = unique("iso-resume");
    JsonPath ofA =
        Api.initiate(KEY, filename, 3 * MIB, true).then().statusCode(200).extract().jsonPath();
    checkpoint(ofA.getString("upload_id"), token(0, "\"aa\"")).then().statusCode(200);

    // Same name, other size: B gets its own upload, no upload_mismatch from A's.
    JsonPath ofB =
        Api.initiate(keyB, filename, 4 * MIB, true).then().statusCode(200).extract().jsonPath();
    assertThat(ofB.getBoolean("is_resume")).isFalse();
    assertThat(ofB.getString("upload_id")).isNotEqualTo(ofA.getString("upload_id"));
    // B resumes only its own upload (4 MiB): a 3 MiB request mismatches it, never matches A's.
    JsonPath againB =
        Api.initiate(keyB, filename, 3 * MIB, true).then().statusCode(409).extract().jsonPath();
    assertThat(againB.getString("code")).isEqualTo("upload_mismatch");

    assertUnchanged(ofA.getString("upload_id"), 0);
    abort(ofA.getString("upload_id"));
    as(keyB)
        .post("/v1/files/uploads/{id}/abort", ofB.getString("upload_id"))
        .then()
        .statusCode(200);
  }
}
