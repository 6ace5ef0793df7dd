package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The object store going away: calls that need it answer 503 storage_unavailable with Retry-After
 * and leave the upload so that the same call succeeds once the store is back; presigning, which is
 * local, keeps working.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class StorageFaultTest {
  private static final String KEY = FilesTestResource.API_KEY;

  /** Every test class after this one needs the store up. */
  @AfterEach
  void restoreStore() {
    FilesTestResource.startStore();
  }

  private static void assertUnavailable(Response response) {
    problem(response, 503, "storage_unavailable");
    assertThat(response.getHeader("Retry-After")).as("Retry-After").isNotBlank();
  }

  @Test
  void initiateWithoutTheStoreIs503AndLeavesNoUpload() {
    String filename = unique("fault-initiate");
    FilesTestResource.stopStore();
    try {
      assertUnavailable(Api.initiate(KEY, filename, 11L * MIB, true));
      assertUnavailable(Api.initiate(KEY, filename, 11L * MIB, false));
      assertThat(Api.uploadsNamed(KEY, filename, null)).isEmpty();
    } finally {
      FilesTestResource.startStore();
    }

    JsonPath retried =
        Api.initiate(KEY, filename, 11L * MIB, true).then().statusCode(200).extract().jsonPath();
    assertThat(retried.getBoolean("is_resume")).isFalse();
    assertThat(Api.uploadsNamed(KEY, filename, "in_progress"))
        .containsExactly(retried.getString("upload_id"));
  }

  @Test
  void completeWithoutTheStoreIs503AndSucceedsOnceItIsBack() throws Exception {
    String filename = unique("fault-complete");
    byte[] content = UploadTestSupport.content(7 * MIB + 5, 31);
    JsonPath initiated = Api.uploadedAndCheckpointed(KEY, filename, content);
    String uploadId = initiated.getString("upload_id");

    FilesTestResource.stopStore();
    try {
      assertUnavailable(complete(uploadId));
      JsonPath view = UploadTestSupport.view(uploadId);
      assertThat(view.getString("status")).isEqualTo("in_progress");
      assertThat(view.getList("checkpointed_parts", Integer.class)).containsExactly(0, 1);
      Api.api().get("/v1/files/metadata/{id}", filename).then().statusCode(404);
    } finally {
      FilesTestResource.startStore();
    }

    Response completed = complete(uploadId);
    assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(200);
    assertThat(completed.jsonPath().getString("file_uid"))
        .isEqualTo(initiated.getString("file_uid"));
    assertThat(UploadTestSupport.view(uploadId).getString("status")).isEqualTo("completed");
    Response redirect =
        Api.api().redirects().follow(false).get("/v1/files/download/{id}", filename);
    assertThat(redirect.statusCode()).isEqualTo(302);
    HttpResponse<byte[]> download = Api.get(redirect.getHeader("Location"));
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(RaceSupport.sha256(download.body())).isEqualTo(RaceSupport.sha256(content));
  }

  @Test
  void abortWithoutTheStoreIs503AndFinishesWhenRepeated() {
    String filename = unique("fault-abort");
    byte[] content = UploadTestSupport.content(6 * MIB, 41);
    JsonPath initiated = Api.uploadedAndCheckpointed(KEY, filename, content);
    String uploadId = initiated.getString("upload_id");
    String storageKey = RaceSupport.storageKey(uploadId);
    String multipartId = RaceSupport.backendUploadId(uploadId);

    FilesTestResource.stopStore();
    try {
      assertUnavailable(abort(uploadId));
      JsonPath view = UploadTestSupport.view(uploadId);
      assertThat(view.getString("status")).isEqualTo("aborted");
      assertThat(view.getList("checkpointed_parts")).isEmpty();
      // The store never heard of the abort: its multipart upload is still there.
      assertThat(RaceSupport.multipartUploadsOf(storageKey)).isEqualTo(1);
    } finally {
      FilesTestResource.startStore();
    }

    Response again = abort(uploadId);
    assertThat(again.statusCode()).as(again.asString()).isEqualTo(200);
    assertThat(again.asString()).isEmpty();
    assertThat(RaceSupport.multipartUploadsOf(storageKey)).isZero();
    assertThat(RaceSupport.storedFor(storageKey, multipartId)).isEmpty();
    problem(complete(uploadId), 409, "upload_not_in_progress");
    assertThat(UploadTestSupport.view(uploadId).getString("status")).isEqualTo("aborted");
  }

  @Test
  void partUrlsNeedNoStore() {
    String filename = unique("fault-urls");
    JsonPath initiated =
        Api.initiate(KEY, filename, 12L * MIB, false).then().statusCode(200).extract().jsonPath();
    String uploadId = initiated.getString("upload_id");

    FilesTestResource.stopStore();
    try {
      Response urls =
          Api.api()
              .body(Map.of("part_numbers", List.of(2, 0)))
              .post("/v1/files/uploads/{id}/parts/urls", uploadId);
      assertThat(urls.statusCode()).as(urls.asString()).isEqualTo(200);
      List<Map<String, Object>> parts = urls.jsonPath().getList("parts");
      assertThat(parts).extracting(p -> p.get("part_number")).containsExactly(2, 0);
      assertThat(parts).allSatisfy(p -> assertThat((String) p.get("url")).startsWith("http"));
      // Resuming is presigning too.
      JsonPath resumed =
          Api.initiate(KEY, filename, 12L * MIB, true).then().statusCode(200).extract().jsonPath();
      assertThat(resumed.getString("upload_id")).isEqualTo(uploadId);
    } finally {
      FilesTestResource.startStore();
    }
    Response aborted = abort(uploadId);
    assertThat(aborted.statusCode()).as(aborted.asString()).isEqualTo(200);
  }

  private static Response complete(String uploadId) {
    return Api.api()
        .body(Map.of("parts", List.of()))
        .post("/v1/files/uploads/{id}/complete", uploadId);
  }

  private static Response abort(String uploadId) {
    return Api.api().post("/v1/files/uploads/{id}/abort", uploadId);
  }
}
