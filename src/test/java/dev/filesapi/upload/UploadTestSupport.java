package dev.filesapi.upload;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Shared requests and assertions for the upload tests: initiate bodies, checkpoints, the upload as
 * read back and unchanged upload state (problem bodies: {@link dev.filesapi.support.Problems}).
 */
final class UploadTestSupport {
  static final int MIB = 1024 * 1024;
  static final String KEY = FilesTestResource.API_KEY;

  private UploadTestSupport() {}

  /** A filename no other test uses. */
  static String unique(String label) {
    return "errors-" + label + "-" + UUID.randomUUID() + ".bin";
  }

  static Map<String, Object> initiateBody(String filename, String fileType, Object numBytes) {
    return Map.of("filename", filename, "file_type", fileType, "num_bytes", numBytes);
  }

  /** Initiates an upload of numBytes as the bootstrap organization; returns the response. */
  static JsonPath initiate(String filename, long numBytes) {
    return initiate(KEY, filename, numBytes);
  }

  static JsonPath initiate(String apiKey, String filename, long numBytes) {
    Response response =
        as(apiKey)
            .body(initiateBody(filename, "application/octet-stream", numBytes))
            .post("/v1/files/uploads/initiate");
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    return response.jsonPath();
  }

  static Response post(String apiKey, String path, String uploadId, Object body) {
    return as(apiKey).body(body).post("/v1/files/uploads/{id}" + path, uploadId);
  }

  static Response post(String path, String uploadId, Object body) {
    return post(KEY, path, uploadId, body);
  }

  static Response checkpoint(String uploadId, Object... entries) {
    return post("/parts/checkpoint", uploadId, Map.of("parts", List.of(entries)));
  }

  static void abort(String uploadId) {
    assertThat(as(KEY).post("/v1/files/uploads/{id}/abort", uploadId).statusCode()).isEqualTo(200);
  }

  static JsonPath view(String apiKey, String uploadId) {
    Response response = as(apiKey).get("/v1/files/uploads/{id}", uploadId);
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    return response.jsonPath();
  }

  static JsonPath view(String uploadId) {
    return view(KEY, uploadId);
  }

  /** Asserts the upload is still in progress with exactly these checkpointed parts. */
  static void assertUnchanged(String uploadId, Integer... checkpointed) {
    JsonPath view = view(uploadId);
    assertThat(view.getString("status")).isEqualTo("in_progress");
    assertThat(view.getList("checkpointed_parts", Integer.class)).containsExactly(checkpointed);
  }

  static Map<String, Object> token(int partNumber, String token) {
    return Map.of("part_number", partNumber, "part_token", token);
  }

  static byte[] content(int size, long seed) {
    byte[] bytes = new byte[size];
    new java.util.Random(seed).nextBytes(bytes);
    return bytes;
  }
}
