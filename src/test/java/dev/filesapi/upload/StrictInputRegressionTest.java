package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.support.Problems.validation;
import static dev.filesapi.upload.UploadTestSupport.abort;
import static dev.filesapi.upload.UploadTestSupport.assertUnchanged;
import static dev.filesapi.upload.UploadTestSupport.checkpoint;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.post;
import static dev.filesapi.upload.UploadTestSupport.token;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs a stranger found getting through (issue 17), each kept as a regression case: a listing
 * shard whose offset overflows an int, JSON parsed leniently (trailing content, duplicate keys,
 * numbers and booleans as strings), a checkpoint count that disagreed with what was stored, and
 * bidi controls in names.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class StrictInputRegressionTest {
  private static final String INITIATE = "/v1/files/uploads/initiate";

  private static Response initiateJson(String json) {
    return Api.api().body(json).post(INITIATE);
  }

  @Test
  void aShardPastTheEndWhoseOffsetOverflowsAnIntIsEmpty() {
    for (String shard : new String[] {"2147484", "2147483647"}) {
      Response page =
          Api.api()
              .queryParam("shard_index", shard)
              .queryParam("max_items_per_shard", 1000)
              .get("/v1/files/metadata");
      assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
      assertThat(page.jsonPath().getList("$")).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":10} x",
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":10}"
            + "{\"filename\":\"b.bin\",\"file_type\":\"a/b\",\"num_bytes\":10}",
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":10} 7",
        "{\"filename\":\"a.bin\",\"filename\":\"b.bin\",\"file_type\":\"a/b\",\"num_bytes\":10}",
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":10,\"num_bytes\":20}"
      })
  void trailingContentAndDuplicateKeysAreMalformed(String body) {
    problem(initiateJson(body), 400, "malformed_json");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":\"10\"}|num_bytes",
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":\"\"}|num_bytes",
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":true}|num_bytes",
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":10,"
            + "\"resume_if_started\":\"true\"}|resume_if_started",
        "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":10,"
            + "\"resume_if_started\":\"yes\"}|resume_if_started"
      })
  void numbersAndBooleansSentAsStringsAreWrongTypes(String caseAndField) {
    String[] split = caseAndField.split("\\|");
    validation(initiateJson(split[0]), split[1]);
  }

  @Test
  void partNumbersSentAsStringsAreWrongTypes() {
    String uploadId = initiate(unique("strict-types"), 10).getString("upload_id");
    validation(post("/parts/urls", uploadId, "{\"part_numbers\":[\"0\"]}"), "part_numbers[0]");
    validation(post("/parts/urls", uploadId, "{\"part_numbers\":0}"), "part_numbers");
    validation(
        post(
            "/parts/checkpoint",
            uploadId,
            "{\"parts\":[{\"part_number\":\"0\",\"part_token\":\"\\\"abc\\\"\"}]}"),
        "parts[0].part_number");
    abort(uploadId);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"max_file_bytes\":\"10\"}", "{\"max_in_progress_uploads\":\"10\"}"})
  void adminQuotasSentAsStringsAreWrongTypes(String body) {
    String organization =
        io.restassured.RestAssured.given()
            .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
            .contentType("application/json")
            .body("{\"name\":\"strict-" + java.util.UUID.randomUUID() + "\"}")
            .post("/v1/admin/organizations")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    Response refused =
        io.restassured.RestAssured.given()
            .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
            .contentType("application/json")
            .body(body)
            .put("/v1/admin/organizations/{id}/quotas", organization);
    assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(400);
    assertThat(refused.jsonPath().getString("code")).isEqualTo("validation_failed");
  }

  @Test
  void aPartNamedTwiceInOneCheckpointCountsOnce() {
    String uploadId = initiate(unique("strict-dup"), 12L * 1024 * 1024).getString("upload_id");

    Response twice =
        checkpoint(uploadId, token(0, "\"aaaa\""), token(0, "\"aaaa\""), token(1, "\"cccc\""));

    assertThat(twice.statusCode()).as(twice.asString()).isEqualTo(200);
    assertThat(twice.jsonPath().getInt("num_checkpointed")).isEqualTo(2);
    assertUnchanged(uploadId, 0, 1);
    // Two different tokens for one part are ambiguous (issue 27): refused, naming the entry.
    validation(
        checkpoint(uploadId, token(0, "\"aaaa\""), token(1, "\"cccc\""), token(0, "\"bbbb\"")),
        "parts[2].part_token");
    assertUnchanged(uploadId, 0, 1);
    abort(uploadId);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "invoice\u202Egpj.exe",
        "left\u202Aembedding.txt",
        "isolate\u2066x\u2069.txt",
        "zero\u200Bwidth.txt",
        "bom\uFEFF.txt",
        "soft\u00ADhyphen.txt"
      })
  void formatCharactersInNamesAreRefused(String filename) {
    validation(
        initiateJson(
            "{\"filename\":\""
                + filename
                + "\",\"file_type\":\"application/octet-stream\",\"num_bytes\":10}"),
        "filename");
    // The form's filename as raw UTF-8, as browsers and curl send it.
    String boundary = "strict-" + java.util.UUID.randomUUID();
    String form =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n--"
            + boundary
            + "--\r\n";
    Response simple =
        io.restassured.RestAssured.given()
            .header("Authorization", "Bearer " + FilesTestResource.API_KEY)
            .contentType("multipart/form-data; boundary=" + boundary)
            .body(form.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .post("/v1/files");
    assertThat(simple.statusCode()).as(simple.asString()).isEqualTo(400);
    assertThat(simple.jsonPath().getString("errors[0].field")).isEqualTo("filename");
  }

  @Test
  void joinersStayAllowedInNames() {
    // Persian spelled with a zero-width non-joiner, and an emoji family joined with ZWJ.
    String uploadId =
        initiate(
                unique(
                    "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645-\uD83D\uDC68\u200D\uD83D\uDC69"),
                10)
            .getString("upload_id");
    abort(uploadId);
  }
}
