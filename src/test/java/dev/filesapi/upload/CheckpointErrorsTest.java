package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.support.Problems.validation;
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
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /files/uploads/{id}/parts/checkpoint: counts, replacement and every documented error. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class CheckpointErrorsTest {
  private static final long THREE_PARTS = 10L * MIB + 1;
  private static final String TOKEN_A = "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"";
  private static final String TOKEN_B = "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"";

  private static Response checkpointJson(String uploadId, String json) {
    return post("/parts/checkpoint", uploadId, json);
  }

  @Test
  void countsThePartsInTheRequest() {
    String uploadId = initiate(unique("cp-count"), THREE_PARTS).getString("upload_id");
    Response two = checkpoint(uploadId, token(0, TOKEN_A), token(2, TOKEN_B));
    assertThat(two.statusCode()).as(two.asString()).isEqualTo(200);
    assertThat(two.jsonPath().getInt("num_checkpointed")).isEqualTo(2);
    assertUnchanged(uploadId, 0, 2);

    // Idempotent: the same request again stores nothing new.
    assertThat(
            checkpoint(uploadId, token(0, TOKEN_A), token(2, TOKEN_B))
                .jsonPath()
                .getInt("num_checkpointed"))
        .isEqualTo(2);
    Response none = checkpoint(uploadId);
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.jsonPath().getInt("num_checkpointed")).isZero();
    assertUnchanged(uploadId, 0, 2);
    abort(uploadId);
  }

  @Test
  void aPartCheckpointedAgainTakesTheNewToken() {
    // One small part, really uploaded: complete tells which token the service holds.
    byte[] bytes = content(4096, 1);
    JsonPath upload = initiate(unique("cp-replace"), bytes.length);
    String uploadId = upload.getString("upload_id");
    String etag = Api.putAll(upload.getList("parts"), bytes).get(0).get("part_token").toString();

    // Right token, then a wrong one: the wrong one is what complete uses.
    checkpoint(uploadId, token(0, etag)).then().statusCode(200);
    checkpoint(uploadId, token(0, "\"deadbeef\"")).then().statusCode(200);
    assertUnchanged(uploadId, 0);
    JsonPath invalid =
        problem(post("/complete", uploadId, Map.of("parts", List.of())), 400, "invalid_part");
    assertThat(invalid.getList("parts", Integer.class)).containsExactly(0);
    assertUnchanged(uploadId, 0);

    // Checkpointed again with the right token, complete succeeds from checkpoints alone.
    checkpoint(uploadId, token(0, etag)).then().statusCode(200);
    Response done = post("/complete", uploadId, Map.of("parts", List.of()));
    assertThat(done.statusCode()).as(done.asString()).isEqualTo(200);
    assertThat(done.jsonPath().getString("file_uid")).isEqualTo(upload.getString("file_uid"));
    assertThat(view(uploadId).getString("status")).isEqualTo("completed");
  }

  @Test
  void aPartNamedTwiceWithDifferentTokensIs400NamingItAndStoresNothing() {
    byte[] bytes = content(3000, 2);
    JsonPath upload = initiate(unique("cp-dup"), bytes.length);
    String uploadId = upload.getString("upload_id");
    String etag = Api.putAll(upload.getList("parts"), bytes).get(0).get("part_token").toString();

    JsonPath refused =
        validation(
            checkpoint(uploadId, token(0, "\"deadbeef\""), token(0, etag)), "parts[1].part_token");
    assertThat(refused.getString("errors[0].message")).contains("part 0").contains("parts[0]");
    assertUnchanged(uploadId);

    // The same token twice (with and without its quotes) is no ambiguity: one part, counted once.
    Response same = checkpoint(uploadId, token(0, etag), token(0, etag.replace("\"", "")));
    assertThat(same.statusCode()).as(same.asString()).isEqualTo(200);
    assertThat(same.jsonPath().getInt("num_checkpointed")).isEqualTo(1);
    post("/complete", uploadId, Map.of("parts", List.of())).then().statusCode(200);
  }

  @Test
  void outOfRangePartNumbersAre400AndStoreNothing() {
    String uploadId = initiate(unique("cp-range"), THREE_PARTS).getString("upload_id");
    checkpoint(uploadId, token(1, TOKEN_A)).then().statusCode(200);

    validation(checkpoint(uploadId, token(-1, TOKEN_B)), "parts[0].part_number");
    validation(checkpoint(uploadId, token(3, TOKEN_B)), "parts[0].part_number");
    // A valid entry next to an invalid one is not stored either.
    validation(checkpoint(uploadId, token(0, TOKEN_B), token(3, TOKEN_B)), "parts[1].part_number");
    validation(
        checkpointJson(uploadId, "{\"parts\":[{\"part_token\":\"\\\"x\\\"\"}]}"),
        "parts[0].part_number");
    validation(
        checkpointJson(
            uploadId, "{\"parts\":[{\"part_number\":\"one\",\"part_token\":\"\\\"x\\\"\"}]}"),
        "parts[0].part_number");
    validation(
        checkpointJson(
            uploadId, "{\"parts\":[{\"part_number\":99999999999,\"part_token\":\"\\\"x\\\"\"}]}"),
        "parts[0].part_number");
    assertUnchanged(uploadId, 1);
    abort(uploadId);
  }

  @Test
  void emptyBlankOrMissingTokensAre400AndStoreNothing() {
    String uploadId = initiate(unique("cp-token"), THREE_PARTS).getString("upload_id");
    validation(checkpoint(uploadId, token(0, "")), "parts[0].part_token");
    validation(checkpoint(uploadId, token(0, "   ")), "parts[0].part_token");
    validation(checkpoint(uploadId, token(2, TOKEN_A), token(0, "\t")), "parts[1].part_token");
    validation(
        checkpointJson(uploadId, "{\"parts\":[{\"part_number\":0}]}"), "parts[0].part_token");
    validation(
        checkpointJson(uploadId, "{\"parts\":[{\"part_number\":0,\"part_token\":null}]}"),
        "parts[0].part_token");
    validation(
        checkpointJson(uploadId, "{\"parts\":[{\"part_number\":0,\"part_token\":[\"x\"]}]}"),
        "parts[0].part_token");
    validation(
        checkpoint(uploadId, token(0, "\"" + "a".repeat(1100) + "\"")), "parts[0].part_token");
    assertUnchanged(uploadId);
    abort(uploadId);
  }

  @Test
  void tokensWithControlCharactersAre400() {
    // An ETag is printable ASCII; a NUL could not even be stored.
    String uploadId = initiate(unique("cp-ctl"), THREE_PARTS).getString("upload_id");
    validation(checkpoint(uploadId, token(0, "\"abc\u0000def\"")), "parts[0].part_token");
    validation(checkpoint(uploadId, token(0, "\"abc\ndef\"")), "parts[0].part_token");
    assertUnchanged(uploadId);
    abort(uploadId);
  }

  @Test
  void malformedBodiesAre400() {
    String uploadId = initiate(unique("cp-body"), THREE_PARTS).getString("upload_id");
    validation(post("/parts/checkpoint", uploadId, Map.of()), "parts");
    validation(checkpointJson(uploadId, "{\"parts\":null}"), "parts");
    validation(checkpointJson(uploadId, "{\"parts\":[null]}"), "parts[0]");
    validation(checkpointJson(uploadId, "{\"parts\":{\"part_number\":0}}"), "parts");
    problem(checkpointJson(uploadId, "{\"parts\":[{\"part_number\":0,"), 400, "malformed_json");
    Map<String, Object> wrong = new HashMap<>();
    wrong.put("parts", List.of(Map.of("part_number", 0, "part_token", 5)));
    // A number where a string is expected is coerced by Jackson; it must not fail as a 500.
    assertThat(post("/parts/checkpoint", uploadId, wrong).statusCode()).isLessThan(500);
    abort(uploadId);
  }

  @Test
  void unknownUploadIs404() {
    problem(checkpoint("upl_00000000000000000000000000", token(0, TOKEN_A)), 404, "not_found");
    problem(checkpoint("upl_unknown", token(0, TOKEN_A)), 404, "not_found");
  }

  @Test
  void abortedUploadIs409() {
    String uploadId = initiate(unique("cp-aborted"), THREE_PARTS).getString("upload_id");
    checkpoint(uploadId, token(0, TOKEN_A)).then().statusCode(200);
    abort(uploadId);
    problem(checkpoint(uploadId, token(1, TOKEN_B)), 409, "upload_not_in_progress");
    JsonPath after = view(uploadId);
    assertThat(after.getString("status")).isEqualTo("aborted");
    assertThat(after.getList("checkpointed_parts")).isEmpty();
  }
}
