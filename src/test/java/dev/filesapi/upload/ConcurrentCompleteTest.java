package dev.filesapi.upload;

import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.Api.Answer;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Completes racing each other: one of them assembles the file, exactly one CompleteMultipartUpload
 * reaches the store, one file is registered, and every request gets the file: a complete repeated
 * while another runs joins it (never 409 upload_completing, which the source API's client would
 * take as final; issue 24).
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class ConcurrentCompleteTest {
  private static final int REQUESTS = 50;

  @Test
  void concurrentCompletesAssembleTheFileOnce() throws Exception {
    String filename = unique("concurrent-complete");
    byte[] content = UploadTestSupport.content(5 * MIB + 1234, 11);
    JsonPath initiated = Api.uploadedAndCheckpointed(KEY, filename, content);
    String uploadId = initiated.getString("upload_id");
    String fileUid = initiated.getString("file_uid");
    long completesBefore = FilesTestResource.storeCalls("completeMultipartUpload");

    List<Callable<Answer>> tasks = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      tasks.add(() -> Api.local().complete(uploadId));
    }
    List<Answer> answers = RaceSupport.together(REQUESTS, tasks);

    for (Answer answer : answers) {
      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.json().getString("file_uid")).as("%s", answer).isEqualTo(fileUid);
      assertThat(answer.json().getString("file_status")).isEqualTo("Registered");
    }
    assertThat(FilesTestResource.storeCalls("completeMultipartUpload") - completesBefore)
        .as("CompleteMultipartUpload calls reaching the store")
        .isEqualTo(1);

    // One file record: by name, and once in the list.
    JsonPath record =
        Api.api()
            .get("/v1/files/metadata/{id}", filename)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(record.getString("file_uid")).isEqualTo(fileUid);
    assertThat(record.getString("file_status")).isEqualTo("FILE_STATUS_REGISTERED");
    List<Map<String, Object>> records =
        Api.api().get("/v1/files/metadata").then().statusCode(200).extract().jsonPath().getList("");
    assertThat(records.stream().filter(r -> filename.equals(r.get("file_id"))))
        .singleElement()
        .satisfies(r -> assertThat(r.get("file_uid")).isEqualTo(fileUid));

    // Later completes give the same file without calling the store again.
    Answer later = Api.local().complete(uploadId);
    assertThat(later.status()).as("%s", later).isEqualTo(200);
    assertThat(later.json().getString("file_uid")).isEqualTo(fileUid);
    assertThat(FilesTestResource.storeCalls("completeMultipartUpload") - completesBefore)
        .isEqualTo(1);
    assertThat(UploadTestSupport.view(uploadId).getString("status")).isEqualTo("completed");
  }
}
