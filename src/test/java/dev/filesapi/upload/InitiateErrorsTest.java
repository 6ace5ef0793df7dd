package dev.filesapi.upload;

import static dev.filesapi.support.Api.api;
import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.support.Problems.validation;
import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.abort;
import static dev.filesapi.upload.UploadTestSupport.assertUnchanged;
import static dev.filesapi.upload.UploadTestSupport.checkpoint;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.initiateBody;
import static dev.filesapi.upload.UploadTestSupport.token;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static dev.filesapi.upload.UploadTestSupport.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every documented error of POST /files/uploads/initiate, and the edges that must pass. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class InitiateErrorsTest {
  private static final String INITIATE = "/v1/files/uploads/initiate";

  private static Response initiateRaw(Object body) {
    return api().body(body).post(INITIATE);
  }

  private static Response initiateJson(String json) {
    return api().body(json).post(INITIATE);
  }

  // ---- filename ----

  @Test
  void missingFilenameIs400() {
    Map<String, Object> body = Map.of("file_type", "text/plain", "num_bytes", 10);
    validation(initiateRaw(body), "filename");
  }

  @Test
  void nullFilenameIs400() {
    validation(
        initiateJson("{\"filename\":null,\"file_type\":\"text/plain\",\"num_bytes\":10}"),
        "filename");
  }

  @Test
  void emptyFilenameIs400() {
    validation(initiateRaw(initiateBody("", "text/plain", 10)), "filename");
  }

  @Test
  void filenameOf1026Utf8BytesIs400ButOf1023BytesIsAccepted() {
    String tooLong = "€".repeat(342);
    assertThat(tooLong.getBytes(StandardCharsets.UTF_8)).hasSize(1026);
    validation(initiateRaw(initiateBody(tooLong, "text/plain", 10)), "filename");

    // 341 "€" are 1023 bytes (a random suffix would push it over, so abort it right away).
    String fits = "€".repeat(341);
    assertThat(fits.getBytes(StandardCharsets.UTF_8)).hasSize(1023);
    JsonPath ok = initiate(fits, 10);
    assertThat(ok.getString("file_name")).isEqualTo(fits);
    abort(ok.getString("upload_id"));
  }

  @Test
  void filenameOfExactly1024BytesIsAcceptedAnd1025IsNot() {
    String exact = "a".repeat(1024);
    JsonPath ok = initiate(exact, 10);
    abort(ok.getString("upload_id"));
    validation(initiateRaw(initiateBody("a".repeat(1025), "text/plain", 10)), "filename");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a\u0000b", "line\nbreak", "tab\there", "bell\u0007", "del\u007f", "c1\u0085"})
  void controlCharactersInFilenameAre400(String filename) {
    validation(
        initiateRaw(initiateBody(filename + "-" + java.util.UUID.randomUUID(), "text/plain", 10)),
        "filename");
  }

  @Test
  void filenameThatIsNotAStringIs400() {
    validation(
        initiateJson("{\"filename\":{\"a\":1},\"file_type\":\"text/plain\",\"num_bytes\":10}"),
        "filename");
  }

  // ---- file_type ----

  @ParameterizedTest
  @ValueSource(
      strings = {"nope", "a/b/c", "", " ", "/plain", "text/", "text /plain", "text/plain\n"})
  void badFileTypeIs400(String fileType) {
    validation(initiateRaw(initiateBody(unique("type"), fileType, 10)), "file_type");
  }

  @Test
  void missingFileTypeIs400() {
    validation(initiateRaw(Map.of("filename", unique("type"), "num_bytes", 10)), "file_type");
  }

  // ---- num_bytes ----

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 250_000_000_001L, Long.MAX_VALUE, Long.MIN_VALUE})
  void numBytesOutOfRangeIs400(long numBytes) {
    validation(initiateRaw(initiateBody(unique("size"), "text/plain", numBytes)), "num_bytes");
  }

  @Test
  void missingNumBytesIs400() {
    validation(
        initiateRaw(Map.of("filename", unique("size"), "file_type", "text/plain")), "num_bytes");
  }

  @Test
  void largestFileIsAcceptedWithin10000Parts() {
    JsonPath ok = initiate(unique("max"), 250_000_000_000L);
    try {
      assertThat(ok.getLong("total_bytes")).isEqualTo(250_000_000_000L);
      int numParts = ok.getInt("num_parts");
      long partSize = ok.getLong("part_size");
      assertThat(numParts).isLessThanOrEqualTo(10_000);
      assertThat(partSize % (1024L * 1024L)).isZero();
      assertThat(partSize * numParts).isGreaterThanOrEqualTo(250_000_000_000L);
      assertThat(partSize * (numParts - 1)).isLessThan(250_000_000_000L);
      assertThat(ok.getList("parts")).hasSize(numParts);
    } finally {
      abort(ok.getString("upload_id"));
    }
  }

  @Test
  void numBytesAsStringIs400NamingTheField() {
    validation(
        initiateJson("{\"filename\":\"x\",\"file_type\":\"text/plain\",\"num_bytes\":\"abc\"}"),
        "num_bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e30", "123456789012345678901234567890", "-1e30", "true", "[1]", "{}"})
  void numBytesOfWrongTypeOrOverflowingIs400NamingTheField(String numBytes) {
    validation(
        initiateJson(
            "{\"filename\":\""
                + unique("huge")
                + "\",\"file_type\":\"text/plain\",\"num_bytes\":"
                + numBytes
                + "}"),
        "num_bytes");
  }

  @Test
  void resumeIfStartedOfWrongTypeIs400() {
    validation(
        initiateJson(
            "{\"filename\":\""
                + unique("bool")
                + "\",\"file_type\":\"text/plain\",\"num_bytes\":1,\"resume_if_started\":\"maybe\"}"),
        "resume_if_started");
  }

  // ---- the body itself ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"filename\":",
        "{filename: 'x'}",
        "not json",
        "{\"filename\":\"x\",}",
        "\u0000"
      })
  void malformedJsonIs400(String json) {
    problem(initiateJson(json), 400, "malformed_json");
  }

  @Test
  void emptyBodyIs400() {
    Response response = api().body("").post(INITIATE);
    JsonPath problem = problem(response, 400, response.jsonPath().getString("code"));
    assertThat(problem.getString("code")).isIn("validation_failed", "malformed_json");
  }

  @Test
  void jsonNullBodyIs400() {
    Response response = initiateJson("null");
    JsonPath problem = problem(response, 400, response.jsonPath().getString("code"));
    assertThat(problem.getString("code")).isIn("validation_failed", "malformed_json");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "[{\"filename\":\"x\",\"file_type\":\"text/plain\",\"num_bytes\":1}]",
        "\"text\"",
        "42"
      })
  void jsonThatIsNotAnObjectIs400(String json) {
    Response response = initiateJson(json);
    JsonPath problem = problem(response, 400, response.jsonPath().getString("code"));
    assertThat(problem.getString("code")).isIn("validation_failed", "malformed_json");
  }

  @Test
  void textPlainIs415() {
    Response response =
        Api.api()
            .contentType(ContentType.TEXT)
            .body(
                "{\"filename\":\""
                    + unique("ct")
                    + "\",\"file_type\":\"text/plain\",\"num_bytes\":1}")
            .post(INITIATE);
    problem(response, 415, "unsupported_media_type");
  }

  @Test
  void formBodyIs415() {
    Response response =
        Api.api()
            .contentType(ContentType.URLENC)
            .body("filename=x&file_type=text/plain&num_bytes=1")
            .post(INITIATE);
    problem(response, 415, "unsupported_media_type");
  }

  // ---- resume_if_started ----

  @Test
  void resumeWithDifferentNumBytesOrFileTypeIs409AndLeavesTheUploadAlone() {
    String filename = unique("mismatch");
    JsonPath first = initiate(filename, 11 * UploadTestSupport.MIB);
    String uploadId = first.getString("upload_id");
    assertThat(first.getInt("num_parts")).isEqualTo(3);
    checkpoint(uploadId, token(1, "\"0123456789abcdef0123456789abcdef\"")).then().statusCode(200);

    Map<String, Object> otherSize =
        new HashMap<>(
            initiateBody(filename, "application/octet-stream", 11 * UploadTestSupport.MIB + 1));
    otherSize.put("resume_if_started", true);
    JsonPath sizeProblem = problem(initiateRaw(otherSize), 409, "upload_mismatch");
    assertThat(sizeProblem.getString("detail")).isNotBlank();

    Map<String, Object> otherType =
        new HashMap<>(initiateBody(filename, "text/plain", 11 * UploadTestSupport.MIB));
    otherType.put("resume_if_started", true);
    problem(initiateRaw(otherType), 409, "upload_mismatch");

    assertUnchanged(uploadId, 1);
    JsonPath view = view(uploadId);
    assertThat(view.getLong("total_bytes")).isEqualTo(11L * UploadTestSupport.MIB);

    // The matching request still resumes the very same upload.
    JsonPath resumed =
        Api.initiate(KEY, filename, 11 * UploadTestSupport.MIB, true)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(resumed.getString("upload_id")).isEqualTo(uploadId);
    assertThat(resumed.getBoolean("is_resume")).isTrue();
    assertThat(resumed.getList("parts.part_number", Integer.class)).containsExactly(0, 2);
    abort(uploadId);
  }

  @Test
  void resumeFalseStartsANewUploadAndResumePicksTheNewest() {
    String filename = unique("newest");
    JsonPath older =
        Api.initiate(KEY, filename, 1000, false).then().statusCode(200).extract().jsonPath();
    JsonPath newer =
        Api.initiate(KEY, filename, 1000, false).then().statusCode(200).extract().jsonPath();
    assertThat(newer.getString("upload_id")).isNotEqualTo(older.getString("upload_id"));
    assertThat(newer.getString("file_uid")).isNotEqualTo(older.getString("file_uid"));
    assertThat(newer.getBoolean("is_resume")).isFalse();
    assertThat(view(older.getString("upload_id")).getString("status")).isEqualTo("in_progress");
    assertThat(view(newer.getString("upload_id")).getString("status")).isEqualTo("in_progress");

    JsonPath resumed =
        Api.initiate(KEY, filename, 1000, true).then().statusCode(200).extract().jsonPath();
    assertThat(resumed.getString("upload_id")).isEqualTo(newer.getString("upload_id"));
    assertThat(resumed.getBoolean("is_resume")).isTrue();

    // With the newest aborted, resume falls back to the older in-progress one.
    abort(newer.getString("upload_id"));
    JsonPath fallback =
        Api.initiate(KEY, filename, 1000, true).then().statusCode(200).extract().jsonPath();
    assertThat(fallback.getString("upload_id")).isEqualTo(older.getString("upload_id"));
    abort(older.getString("upload_id"));

    // With none in progress, resume starts a new upload.
    JsonPath fresh =
        Api.initiate(KEY, filename, 1000, true).then().statusCode(200).extract().jsonPath();
    assertThat(fresh.getBoolean("is_resume")).isFalse();
    assertThat(fresh.getString("upload_id"))
        .isNotIn(older.getString("upload_id"), newer.getString("upload_id"));
    abort(fresh.getString("upload_id"));
  }

  @Test
  void aValidationErrorCreatesNoUpload() {
    String filename = unique("nothing");
    validation(initiateRaw(initiateBody(filename, "nope", 10)), "file_type");
    // Had it been created, resume would find it.
    JsonPath fresh =
        Api.initiate(KEY, filename, 10, true).then().statusCode(200).extract().jsonPath();
    assertThat(fresh.getBoolean("is_resume")).isFalse();
    abort(fresh.getString("upload_id"));
  }
}
