package dev.filesapi.upload;

import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Requests that change one upload at the same time leave it in exactly one consistent state: a
 * checkpoint never undoes or breaks a complete, and an abort and a complete never both win.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class RaceConsistencyTest {
  private static final Logger LOG = Logger.getLogger(RaceConsistencyTest.class);
  private static final int CHECKPOINTS = 40;
  private static final int ABORT_ROUNDS = 10;

  @Test
  void checkpointsRacingACompleteLeaveItCompleted() throws Exception {
    String filename = unique("race-checkpoint");
    byte[] content = UploadTestSupport.content(10 * MIB + 99, 21);
    JsonPath initiated =
        Api.initiate(FilesTestResource.API_KEY, filename, content.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    String uploadId = initiated.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);
    String checkpointJson = new ObjectMapper().writeValueAsString(Map.of("parts", tokens));
    Answer first = Api.local().post(checkpointPath(uploadId), checkpointJson);
    assertThat(first.status()).as("%s", first).isEqualTo(200);

    List<Callable<Answer>> tasks = new ArrayList<>();
    for (int i = 0; i < CHECKPOINTS; i++) {
      tasks.add(() -> Api.local().post(checkpointPath(uploadId), checkpointJson));
      if (i == CHECKPOINTS / 2) {
        tasks.add(() -> Api.local().complete(uploadId));
      }
    }
    List<Answer> answers = RaceSupport.together(tasks.size(), tasks);

    Answer complete = answers.get(CHECKPOINTS / 2 + 1);
    assertThat(complete.status()).as("complete: %s", complete).isEqualTo(200);
    assertThat(complete.json().getString("file_uid")).isEqualTo(initiated.getString("file_uid"));
    for (int i = 0; i < answers.size(); i++) {
      if (i == CHECKPOINTS / 2 + 1) {
        continue;
      }
      Answer checkpoint = answers.get(i);
      if (checkpoint.status() == 200) {
        assertThat(checkpoint.json().getInt("num_checkpointed")).isEqualTo(tokens.size());
      } else {
        assertThat(checkpoint.status()).as("checkpoint: %s", checkpoint).isEqualTo(409);
        assertThat(checkpoint.code()).as("%s", checkpoint).isEqualTo("upload_not_in_progress");
      }
    }

    JsonPath view = UploadTestSupport.view(uploadId);
    assertThat(view.getString("status")).isEqualTo("completed");
    assertThat(view.getList("checkpointed_parts")).isEmpty();
    assertThat(
            Api.api()
                .get("/v1/files/metadata/{id}", filename)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("file_uid"))
        .isEqualTo(initiated.getString("file_uid"));
    // A checkpoint after the complete is refused and changes nothing.
    Answer late = Api.local().post(checkpointPath(uploadId), checkpointJson);
    assertThat(late.status()).as("%s", late).isEqualTo(409);
    assertThat(UploadTestSupport.view(uploadId).getList("checkpointed_parts")).isEmpty();
  }

  @Test
  void anAbortRacingACompleteLetsExactlyOneWin() throws Exception {
    int completed = 0;
    int aborted = 0;
    for (int round = 0; round < ABORT_ROUNDS; round++) {
      String filename = unique("race-abort-" + round);
      byte[] content = UploadTestSupport.content(1000 + round, round);
      JsonPath initiated = Api.uploadedAndCheckpointed(KEY, filename, content);
      String uploadId = initiated.getString("upload_id");
      String fileUid = initiated.getString("file_uid");
      String storageKey = RaceSupport.storageKey(uploadId);
      String multipartId = RaceSupport.backendUploadId(uploadId);

      List<Callable<Answer>> tasks =
          round % 2 == 0
              ? List.of(() -> Api.local().complete(uploadId), () -> Api.local().abort(uploadId))
              : List.of(() -> Api.local().abort(uploadId), () -> Api.local().complete(uploadId));
      List<Answer> answers = RaceSupport.together(2, tasks);
      Answer complete = answers.get(round % 2 == 0 ? 0 : 1);
      Answer abort = answers.get(round % 2 == 0 ? 1 : 0);
      String what = "round " + round + ": complete " + complete + ", abort " + abort;

      String status = UploadTestSupport.view(uploadId).getString("status");
      int metadata = Api.api().get("/v1/files/metadata/{id}", filename).statusCode();
      List<String> stored = RaceSupport.storedFor(storageKey, multipartId);
      if (complete.status() == 200) {
        completed++;
        assertThat(complete.json().getString("file_uid")).as(what).isEqualTo(fileUid);
        assertThat(abort.status()).as(what).isEqualTo(409);
        assertThat(abort.code()).as(what).isIn("upload_completed", "upload_completing");
        if ("upload_completing".equals(abort.code())) {
          assertThat(abort.header("Retry-After")).as(what).isNotBlank();
        }
        assertThat(status).as(what).isEqualTo("completed");
        assertThat(metadata).as(what).isEqualTo(200);
        assertThat(stored).as(what).containsExactly(storageKey);
      } else {
        aborted++;
        assertThat(complete.status()).as(what).isEqualTo(409);
        assertThat(complete.code()).as(what).isEqualTo("upload_not_in_progress");
        assertThat(abort.status()).as(what).isEqualTo(200);
        assertThat(status).as(what).isEqualTo("aborted");
        assertThat(metadata).as(what).isEqualTo(404);
        assertThat(stored).as(what + ": left in the store").isEmpty();
      }
    }
    LOG.infof("abort racing complete: %d completed, %d aborted", completed, aborted);
  }

  private static String checkpointPath(String uploadId) {
    return "/v1/files/uploads/" + uploadId + "/parts/checkpoint";
  }
}
