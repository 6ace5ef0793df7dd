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

/** POST /files/uploads/{id}/complete: every documented error, against real uploaded bytes. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class CompleteErrorsTest {
  private static final long THREE_PARTS = 10L * MIB + 1;
  private static final String WRONG = "\"deadbeef\"";

  private static Response complete(String uploadId, Object... parts) {
    return post("/complete", uploadId, Map.of("parts", List.of(parts)));
  }

  @Test
  void missingPartsAre400ListingThemAndTheUploadStaysInProgress() {
    String uploadId = initiate(unique("c-missing"), THREE_PARTS).getString("upload_id");
    checkpoint(uploadId, token(1, WRONG)).then().statusCode(200);

    JsonPath none = problem(complete(uploadId), 400, "missing_parts");
    assertThat(none.getList("parts", Integer.class)).containsExactly(0, 2);
    assertUnchanged(uploadId, 1);

    JsonPath one = problem(complete(uploadId, token(2, WRONG)), 400, "missing_parts");
    assertThat(one.getList("parts", Integer.class)).containsExactly(0);
    assertUnchanged(uploadId, 1);

    // No body field at all means no tokens given.
    JsonPath empty = problem(post("/complete", uploadId, Map.of()), 400, "missing_parts");
    assertThat(empty.getList("parts", Integer.class)).containsExactly(0, 2);
    assertUnchanged(uploadId, 1);
    abort(uploadId);
  }

  @Test
  void aWrongTokenIsInvalidPartAndTheRightOneCompletesAfterwards() {
    byte[] bytes = content(5000, 3);
    JsonPath upload = initiate(unique("c-wrong"), bytes.length);
    String uploadId = upload.getString("upload_id");
    assertThat(upload.getInt("num_parts")).isEqualTo(1);
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), bytes);

    JsonPath invalid = problem(complete(uploadId, token(0, WRONG)), 400, "invalid_part");
    assertThat(invalid.getList("parts", Integer.class)).containsExactly(0);
    assertUnchanged(uploadId);

    Response done = complete(uploadId, tokens.get(0));
    assertThat(done.statusCode()).as(done.asString()).isEqualTo(200);
    assertThat(done.jsonPath().getString("file_uid")).isEqualTo(upload.getString("file_uid"));
    assertThat(done.jsonPath().getLong("num_bytes")).isEqualTo(bytes.length);
    assertThat(view(uploadId).getString("status")).isEqualTo("completed");
  }

  @Test
  void inATwoPartFileOnlyTheWrongPartIsNamed() {
    byte[] bytes = content(5 * MIB + 1234, 4);
    JsonPath upload = initiate(unique("c-two"), bytes.length);
    String uploadId = upload.getString("upload_id");
    assertThat(upload.getInt("num_parts")).isEqualTo(2);
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), bytes);
    checkpoint(uploadId, tokens.get(0)).then().statusCode(200);

    JsonPath invalid = problem(complete(uploadId, token(1, WRONG)), 400, "invalid_part");
    assertThat(invalid.getList("parts", Integer.class)).containsExactly(1);
    assertUnchanged(uploadId, 0);

    // A wrong checkpointed token is overridden by the right one given to complete.
    checkpoint(uploadId, token(0, WRONG)).then().statusCode(200);
    JsonPath both = problem(complete(uploadId, tokens.get(1)), 400, "invalid_part");
    assertThat(both.getList("parts", Integer.class)).containsExactly(0);
    assertUnchanged(uploadId, 0);

    Response done = complete(uploadId, tokens.get(0), tokens.get(1));
    assertThat(done.statusCode()).as(done.asString()).isEqualTo(200);
    assertThat(done.jsonPath().getLong("num_bytes")).isEqualTo(bytes.length);
  }

  @Test
  void aPartNeverUploadedIsInvalidPart() {
    byte[] bytes = content(2048, 5);
    JsonPath upload = initiate(unique("c-never"), bytes.length);
    String uploadId = upload.getString("upload_id");
    JsonPath invalid =
        problem(
            complete(uploadId, token(0, "\"0123456789abcdef0123456789abcdef\"")),
            400,
            "invalid_part");
    assertThat(invalid.getList("parts", Integer.class)).containsExactly(0);
    assertUnchanged(uploadId);

    // Uploading it afterwards makes the upload completable.
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), bytes);
    complete(uploadId, tokens.get(0)).then().statusCode(200);
  }

  @Test
  void aMissingSecondPartInTheStoreIsInvalidPart() {
    byte[] bytes = content(5 * MIB + 10, 6);
    JsonPath upload = initiate(unique("c-half"), bytes.length);
    String uploadId = upload.getString("upload_id");
    List<Map<String, Object>> parts = upload.getList("parts");
    List<Map<String, Object>> first = Api.putAll(List.of(parts.get(0)), bytes);
    JsonPath invalid =
        problem(complete(uploadId, first.get(0), token(1, WRONG)), 400, "invalid_part");
    assertThat(invalid.getList("parts", Integer.class)).containsExactly(1);
    assertUnchanged(uploadId);
    abort(uploadId);
  }

  @Test
  void anIntegrityChecksumIs400WhenTheAlgorithmIsNone() {
    byte[] bytes = content(1000, 7);
    JsonPath upload = initiate(unique("c-sum"), bytes.length);
    assertThat(upload.getString("integrity_algorithm")).isEqualTo("none");
    String uploadId = upload.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), bytes);
    Map<String, Object> body = new HashMap<>();
    body.put("parts", tokens);
    body.put("integrity_checksum", "AAAAAA==");
    problem(post("/complete", uploadId, body), 400, "checksum_not_supported");
    assertUnchanged(uploadId);
    complete(uploadId, tokens.get(0)).then().statusCode(200);
  }

  @Test
  void badPartEntriesAre400() {
    String uploadId = initiate(unique("c-bad"), THREE_PARTS).getString("upload_id");
    validation(complete(uploadId, token(3, WRONG)), "parts[0].part_number");
    validation(complete(uploadId, token(-1, WRONG)), "parts[0].part_number");
    validation(complete(uploadId, token(0, "")), "parts[0].part_token");
    validation(complete(uploadId, token(0, "\"a\u0000b\"")), "parts[0].part_token");
    // One part with two different tokens is ambiguous, as in a checkpoint.
    validation(complete(uploadId, token(0, WRONG), token(0, "\"other\"")), "parts[1].part_token");
    validation(
        post("/complete", uploadId, "{\"parts\":[{\"part_number\":0}]}"), "parts[0].part_token");
    validation(post("/complete", uploadId, "{\"parts\":[null]}"), "parts[0]");
    validation(post("/complete", uploadId, "{\"parts\":\"all\"}"), "parts");
    problem(post("/complete", uploadId, "{\"parts\":["), 400, "malformed_json");
    assertUnchanged(uploadId);
    abort(uploadId);
  }

  @Test
  void unknownUploadIs404() {
    problem(complete("upl_00000000000000000000000000"), 404, "not_found");
  }

  @Test
  void abortedUploadIs409() {
    byte[] bytes = content(1000, 8);
    JsonPath upload = initiate(unique("c-aborted"), bytes.length);
    String uploadId = upload.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), bytes);
    abort(uploadId);
    problem(complete(uploadId, tokens.get(0)), 409, "upload_not_in_progress");
    problem(complete(uploadId), 409, "upload_not_in_progress");
    assertThat(view(uploadId).getString("status")).isEqualTo("aborted");
  }
}
