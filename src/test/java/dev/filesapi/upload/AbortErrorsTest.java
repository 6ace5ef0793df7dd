package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.checkpoint;
import static dev.filesapi.upload.UploadTestSupport.content;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.post;
import static dev.filesapi.upload.UploadTestSupport.token;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static dev.filesapi.upload.UploadTestSupport.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.ConformingHttpClient;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * POST /files/uploads/{id}/abort: 200 with an empty body, idempotent, never for a completed upload.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class AbortErrorsTest {
  private static final long THREE_PARTS = 10L * MIB + 1;

  @TestHTTPResource("/v1/files/uploads/")
  URL uploads;

  private static Response abortJson(String uploadId, String body) {
    return post("/abort", uploadId, body);
  }

  private static void assertEmpty200(Response response) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    assertThat(response.asString()).isEmpty();
  }

  @Test
  void abortIs200WithAnEmptyBodyAndAgainIs200() {
    String uploadId = initiate(unique("ab-twice"), THREE_PARTS).getString("upload_id");
    checkpoint(uploadId, token(0, "\"aa\""), token(2, "\"bb\"")).then().statusCode(200);

    assertEmpty200(Api.api().post("/v1/files/uploads/{id}/abort", uploadId));
    JsonPath after = view(uploadId);
    assertThat(after.getString("status")).isEqualTo("aborted");
    assertThat(after.getList("checkpointed_parts")).isEmpty();

    assertEmpty200(Api.api().post("/v1/files/uploads/{id}/abort", uploadId));
    assertThat(view(uploadId).getString("status")).isEqualTo("aborted");
  }

  @Test
  void abortWithNoBodyAndNoContentTypeWorks() throws Exception {
    String uploadId = initiate(unique("ab-nobody"), THREE_PARTS).getString("upload_id");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(uploads.toString() + uploadId + "/abort"))
            .header("Authorization", "Bearer " + KEY)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    assertThat(request.headers().firstValue("Content-Type")).isEmpty();
    HttpResponse<String> response =
        ConformingHttpClient.wrap(HttpClient.newHttpClient())
            .send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(view(uploadId).getString("status")).isEqualTo("aborted");
  }

  @Test
  void abortWithAnEmptyJsonObjectWorks() {
    String uploadId = initiate(unique("ab-empty"), THREE_PARTS).getString("upload_id");
    assertEmpty200(abortJson(uploadId, "{}"));
    assertThat(view(uploadId).getString("status")).isEqualTo("aborted");
  }

  @Test
  void abortWithAnyContentTypeWorks() {
    String uploadId = initiate(unique("ab-text"), THREE_PARTS).getString("upload_id");
    assertEmpty200(
        Api.api()
            .contentType("text/plain")
            .body("please")
            .post("/v1/files/uploads/{id}/abort", uploadId));
    assertThat(view(uploadId).getString("status")).isEqualTo("aborted");
  }

  @Test
  void abortingACompletedUploadIs409AndLeavesItCompleted() {
    byte[] bytes = content(1500, 11);
    JsonPath upload = initiate(unique("ab-done"), bytes.length);
    String uploadId = upload.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), bytes);
    post("/complete", uploadId, Map.of("parts", tokens)).then().statusCode(200);

    problem(Api.api().post("/v1/files/uploads/{id}/abort", uploadId), 409, "upload_completed");
    assertThat(view(uploadId).getString("status")).isEqualTo("completed");
    // The file is still there.
    Api.api().get("/v1/files/metadata/{id}", upload.getString("file_name")).then().statusCode(200);
  }

  @Test
  void abortingAnUnknownUploadIs404() {
    problem(
        Api.api().post("/v1/files/uploads/{id}/abort", "upl_00000000000000000000000000"),
        404,
        "not_found");
  }
}
