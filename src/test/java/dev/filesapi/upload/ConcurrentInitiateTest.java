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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * resume_if_started under a burst: concurrent initiates of one new filename all get the same
 * upload, exactly one upload exists afterwards, and the store-side multipart uploads the losers
 * started are aborted again.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class ConcurrentInitiateTest {
  private static final int REQUESTS = 100;
  private static final int THREADS = 32;
  private static final long NUM_BYTES = 12L * MIB;

  @Test
  void concurrentResumingInitiatesShareOneUpload() throws Exception {
    String filename = unique("concurrent-initiate");
    String body =
        "{\"filename\":\""
            + filename
            + "\",\"file_type\":\"application/octet-stream\",\"num_bytes\":"
            + NUM_BYTES
            + ",\"resume_if_started\":true}";
    long begunBefore = FilesTestResource.storeCalls("initiateMultipartUpload");
    long abortedBefore = FilesTestResource.storeCalls("abortMultipartUpload");

    List<Callable<Answer>> tasks = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      tasks.add(() -> Api.local().post("/v1/files/uploads/initiate", body));
    }
    List<Answer> answers = RaceSupport.together(THREADS, tasks);

    assertThat(answers).allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(200));
    List<String> ids = answers.stream().map(a -> a.json().getString("upload_id")).toList();
    assertThat(ids).as("upload ids").containsOnly(ids.get(0));
    String uploadId = ids.get(0);
    assertThat(answers.stream().map(a -> a.json().getString("file_uid")).distinct()).hasSize(1);
    // Exactly one request created the upload; every other one resumed it.
    assertThat(answers.stream().filter(a -> !a.json().getBoolean("is_resume"))).hasSize(1);
    assertThat(answers)
        .allSatisfy(a -> assertThat(a.json().getList("parts")).as("%s", a).hasSize(3));

    assertThat(Api.uploadsNamed(KEY, filename, "in_progress")).containsExactly(uploadId);

    // Each request that started a multipart upload in the store and lost the race aborted it.
    long begun = FilesTestResource.storeCalls("initiateMultipartUpload") - begunBefore;
    long aborted = FilesTestResource.storeCalls("abortMultipartUpload") - abortedBefore;
    assertThat(begun).isBetween(1L, (long) REQUESTS);
    assertThat(aborted).as("aborts of the %d store uploads started", begun).isEqualTo(begun - 1);
    assertThat(RaceSupport.multipartUploadsOf(RaceSupport.storageKey(uploadId))).isEqualTo(1);

    // The one upload is usable: it completes after its parts arrive.
    byte[] content = UploadTestSupport.content((int) NUM_BYTES, 7);
    List<Map<String, Object>> tokens = Api.putAll(answers.get(0).json().getList("parts"), content);
    Api.api()
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/complete", uploadId)
        .then()
        .statusCode(200);
  }
}
