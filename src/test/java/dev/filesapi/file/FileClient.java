package dev.filesapi.file;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.path.json.config.JsonPathConfig.NumberReturnType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The file endpoints as a client calls them, plus a look into the bucket. */
final class FileClient {
  private FileClient() {}

  /** A request without a JSON content type, for multipart bodies and plain GETs. */
  static RequestSpecification as(String apiKey) {
    return given().header("Authorization", "Bearer " + apiKey);
  }

  static String uniqueName(String stem) {
    return "files-test/" + stem + "-" + UUID.randomUUID() + ".txt";
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** POST /v1/files with one file part; asserts 200 and returns the body. */
  static JsonPath upload(String apiKey, String filename, byte[] content, String fileType) {
    JsonPath body =
        as(apiKey)
            .multiPart("file", filename, content, fileType)
            .post("/v1/files")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(body.getBoolean("is_valid")).isTrue();
    assertThat(body.getString("file_id")).isEqualTo(filename);
    assertThat(body.getString("file_uid")).startsWith("fil_");
    return body;
  }

  /**
   * POST /v1/files with a hand-made form whose part header carries the filename as raw UTF-8, as
   * browsers and curl send it.
   */
  static Response uploadRawForm(String apiKey, String filename, byte[] content) {
    String boundary = "----files-test-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\n"
                + "Content-Type: text/plain\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return as(apiKey)
        .contentType("multipart/form-data; boundary=" + boundary)
        .body(body.toByteArray())
        .post("/v1/files");
  }

  /** Initiate, PUT every part, complete; returns the completed file. */
  static JsonPath uploadInParts(String apiKey, String filename, byte[] content, String fileType) {
    JsonPath initiated =
        Api.as(apiKey)
            .body(Map.of("filename", filename, "file_type", fileType, "num_bytes", content.length))
            .post("/v1/files/uploads/initiate")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);
    return Api.as(apiKey)
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/complete", initiated.getString("upload_id"))
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** The file's name as one path segment, every reserved character (also '/') escaped. */
  static String segment(String fileId) {
    return URLEncoder.encode(fileId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static Response metadata(String apiKey, String fileId) {
    return as(apiKey).urlEncodingEnabled(false).get("/v1/files/metadata/" + segment(fileId));
  }

  static Response downloadResponse(String apiKey, String fileId) {
    return as(apiKey)
        .urlEncodingEnabled(false)
        .redirects()
        .follow(false)
        .get("/v1/files/download/" + segment(fileId));
  }

  static Response delete(String apiKey, String fileId) {
    return as(apiKey).urlEncodingEnabled(false).delete("/v1/files/delete/" + segment(fileId));
  }

  /** Follows the download redirect to the store and returns what it serves. */
  static HttpResponse<byte[]> download(String apiKey, String fileId) {
    Response redirect = downloadResponse(apiKey, fileId);
    assertThat(redirect.statusCode()).isEqualTo(302);
    HttpResponse<byte[]> fetched = Api.get(redirect.getHeader("Location"));
    assertThat(fetched.statusCode()).isEqualTo(200);
    return fetched;
  }

  /** GET /v1/files/info, numbers read as doubles (JsonPath's default float cannot hold seconds). */
  static JsonPath info(String apiKey) {
    return as(apiKey)
        .get("/v1/files/info")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath(JsonPathConfig.jsonPathConfig().numberReturnType(NumberReturnType.DOUBLE));
  }

  /** The object key a file instance lives at: {@code orgs/{org}/files/{file_uid}}. */
  static String storageKey(String apiKey, String fileUid) {
    return "orgs/" + Tenants.organizationOf(apiKey) + "/files/" + fileUid;
  }

  static boolean objectExists(String key) {
    return FilesTestResource.store().blobStore().blobExists(FilesTestResource.BUCKET, key);
  }

  static void assertNotFound(Response response) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.jsonPath().getString("code")).isEqualTo("not_found");
  }

  static void assertValidationFailed(Response response, String field) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.jsonPath().getString("code")).isEqualTo("validation_failed");
    assertThat(response.jsonPath().getList("errors.field")).containsExactly(field);
  }
}
