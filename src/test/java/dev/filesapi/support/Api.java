package dev.filesapi.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.path.json.config.JsonPathConfig.NumberReturnType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The tests' HTTP client: the service as a client calls it, addressed by a base URL and an API key
 * ({@link #at}: a {@link PackagedApp}, a replica; {@link #local}: the {@code @QuarkusTest}
 * application in this JVM). Every answer is checked against the OpenAPI document.
 *
 * <p>Instances send with one {@code java.net.http} client (thread-safe, HTTP/1.1 as clients of the
 * API speak it) and suit concurrent calls and processes the test stops or kills. The static
 * rest-assured shortcuts ({@link #api()}, {@link #as}, …) call the in-JVM application, where
 * Quarkus points rest-assured; the static {@link #put} and {@link #get} call the store's presigned
 * URLs.
 */
public final class Api {
  public static final ObjectMapper JSON = new ObjectMapper();

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build());

  private final URI base;
  private final String apiKey;

  private Api(URI base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  /** The service at this base URL (e.g. {@code http://127.0.0.1:PORT}), as this key. */
  public static Api at(URI base, String apiKey) {
    return new Api(base, apiKey);
  }

  /** The {@code @QuarkusTest} application of this JVM, as this key. */
  public static Api local(String apiKey) {
    return at(URI.create(RestAssured.baseURI + ":" + RestAssured.port), apiKey);
  }

  /** The {@code @QuarkusTest} application of this JVM, as the test organization's key. */
  public static Api local() {
    return local(FilesTestResource.API_KEY);
  }

  public URI base() {
    return base;
  }

  /** The client every call goes through, for requests of other shapes (async sends, streams). */
  public static HttpClient http() {
    return HTTP;
  }

  // ---- calls through java.net.http, to the instance's base URL

  /**
   * The request, with the key and, when there is a body, {@code Content-Type: application/json}.
   */
  public HttpRequest request(String method, String path, String jsonBody, Duration timeout) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Authorization", "Bearer " + apiKey);
    if (jsonBody == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return builder
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(jsonBody))
        .build();
  }

  public HttpRequest request(String method, String path, String jsonBody) {
    return request(method, path, jsonBody, TIMEOUT);
  }

  public HttpResponse<String> send(String method, String path, String jsonBody, Duration timeout)
      throws IOException, InterruptedException {
    return HTTP.send(
        request(method, path, jsonBody, timeout), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(String method, String path, String jsonBody)
      throws IOException, InterruptedException {
    return send(method, path, jsonBody, TIMEOUT);
  }

  /** Sends a call that must answer expectedStatus; returns its JSON body. */
  public JsonNode expect(int expectedStatus, String method, String path, Object body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(method, path, body == null ? null : JSON.writeValueAsString(body));
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(expectedStatus);
    return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
  }

  /** POST /v1/files/uploads/initiate, which must answer 200; returns its body. */
  public JsonNode initiate(String filename, long numBytes, boolean resume)
      throws IOException, InterruptedException {
    return expect(
        200, "POST", "/v1/files/uploads/initiate", initiateBody(filename, numBytes, resume));
  }

  /**
   * POST /v1/files with one file part, its filename written as raw UTF-8 the way browsers send it;
   * answers as the service does.
   */
  public HttpResponse<String> simpleUpload(
      String filename, String contentType, byte[] content, Duration timeout)
      throws IOException, InterruptedException {
    String boundary = "files-test-boundary-" + Long.toHexString(System.nanoTime());
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve("/v1/files"))
            .timeout(timeout)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    form(boundary, filename, contentType, content)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> simpleUpload(String filename, String contentType, byte[] content)
      throws IOException, InterruptedException {
    return simpleUpload(filename, contentType, content, TIMEOUT);
  }

  /** The answer's JSON body, once it is asserted to be a {@code 200}. */
  public static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** One answer of {@link #post}: status, headers and the body parsed as JSON (null when empty). */
  public record Answer(int status, HttpResponse<String> response) {
    public JsonPath json() {
      return response.body().isEmpty() ? null : new JsonPath(response.body());
    }

    public String code() {
      JsonPath json = json();
      return json == null ? null : json.getString("code");
    }

    public String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + response.body();
    }
  }

  /** POSTs a JSON body (abort's is empty), for tests that send many at once; never throws IO. */
  public Answer post(String path, String json) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              request("POST", path, json, Duration.ofSeconds(60)),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response);
    } catch (IOException e) {
      throw new AssertionError("POST " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Answer complete(String uploadId) {
    return post("/v1/files/uploads/" + uploadId + "/complete", "{\"parts\":[]}");
  }

  public Answer abort(String uploadId) {
    return post("/v1/files/uploads/" + uploadId + "/abort", "");
  }

  // ---- the in-JVM application through rest-assured

  /** A JSON request as this key. */
  public static RequestSpecification as(String apiKey) {
    return given().header("Authorization", "Bearer " + apiKey).contentType(ContentType.JSON);
  }

  /** A JSON request as the test organization's key. */
  public static RequestSpecification api() {
    return as(FilesTestResource.API_KEY);
  }

  /** A request without a JSON content type, for multipart bodies and plain GETs. */
  public static RequestSpecification plain(String apiKey) {
    return given().header("Authorization", "Bearer " + apiKey);
  }

  public static Map<String, Object> initiateBody(String filename, long numBytes, boolean resume) {
    return Map.of(
        "filename", filename,
        "file_type", "application/octet-stream",
        "num_bytes", numBytes,
        "resume_if_started", resume);
  }

  public static Response initiate(String apiKey, String filename, long numBytes, boolean resume) {
    return as(apiKey)
        .body(initiateBody(filename, numBytes, resume))
        .post("/v1/files/uploads/initiate");
  }

  /** Initiate, PUT every part, complete; asserts each step and returns the completed file. */
  public static JsonPath uploadInParts(
      String apiKey, String filename, byte[] content, String fileType) {
    JsonPath initiated =
        as(apiKey)
            .body(Map.of("filename", filename, "file_type", fileType, "num_bytes", content.length))
            .post("/v1/files/uploads/initiate")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<Map<String, Object>> tokens = putAll(initiated.getList("parts"), content);
    return as(apiKey)
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/complete", initiated.getString("upload_id"))
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** Initiate and PUT and checkpoint every part; returns the initiate answer. */
  public static JsonPath uploadedAndCheckpointed(String apiKey, String filename, byte[] content) {
    JsonPath initiated =
        initiate(apiKey, filename, content.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<Map<String, Object>> tokens = putAll(initiated.getList("parts"), content);
    as(apiKey)
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/parts/checkpoint", initiated.getString("upload_id"))
        .then()
        .statusCode(200);
    return initiated;
  }

  /** Ids of the uploads with this filename (and status, unless null), paging through the list. */
  public static List<String> uploadsNamed(String apiKey, String filename, String status) {
    List<String> found = new ArrayList<>();
    String cursor = null;
    do {
      var request = as(apiKey).queryParam("limit", 1000);
      if (status != null) {
        request.queryParam("status", status);
      }
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      JsonPath page = request.get("/v1/files/uploads").then().statusCode(200).extract().jsonPath();
      List<Map<String, Object>> uploads = page.getList("uploads");
      for (Map<String, Object> upload : uploads) {
        if (filename.equals(upload.get("file_name"))) {
          found.add((String) upload.get("upload_id"));
        }
      }
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return found;
  }

  /** The simple upload (POST /v1/files with one file part); asserts 200 and returns the body. */
  public static JsonPath uploadFile(
      String apiKey, String filename, byte[] content, String fileType) {
    JsonPath body =
        plain(apiKey)
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
  public static Response simpleUploadRawForm(
      String apiKey, String filename, String contentType, byte[] content) {
    String boundary = "files-test-boundary-" + Long.toHexString(System.nanoTime());
    return plain(apiKey)
        .contentType("multipart/form-data; boundary=" + boundary)
        .body(form(boundary, filename, contentType, content))
        .post("/v1/files");
  }

  /** The file's name as one path segment, every reserved character (also '/') escaped. */
  public static String segment(String fileId) {
    return URLEncoder.encode(fileId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public static Response metadata(String apiKey, String fileId) {
    return plain(apiKey).urlEncodingEnabled(false).get("/v1/files/metadata/" + segment(fileId));
  }

  public static Response downloadResponse(String apiKey, String fileId) {
    return plain(apiKey)
        .urlEncodingEnabled(false)
        .redirects()
        .follow(false)
        .get("/v1/files/download/" + segment(fileId));
  }

  public static Response delete(String apiKey, String fileId) {
    return plain(apiKey).urlEncodingEnabled(false).delete("/v1/files/delete/" + segment(fileId));
  }

  /** Follows the download redirect to the store and returns what it serves. */
  public static HttpResponse<byte[]> download(String apiKey, String fileId) {
    Response redirect = downloadResponse(apiKey, fileId);
    assertThat(redirect.statusCode()).isEqualTo(302);
    HttpResponse<byte[]> fetched = get(redirect.getHeader("Location"));
    assertThat(fetched.statusCode()).isEqualTo(200);
    return fetched;
  }

  /** GET /v1/files/info, numbers read as doubles (JsonPath's default float cannot hold seconds). */
  public static JsonPath info(String apiKey) {
    return plain(apiKey)
        .get("/v1/files/info")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath(JsonPathConfig.jsonPathConfig().numberReturnType(NumberReturnType.DOUBLE));
  }

  // ---- the store's presigned URLs

  /** PUTs bytes to a presigned URL exactly as given, asserting a 200; returns the ETag. */
  public static String put(String url, byte[] content, int from, int to) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .PUT(
                      HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, from, to)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("presigned PUT: " + response.body()).isEqualTo(200);
      return response.headers().firstValue("ETag").orElseThrow();
    } catch (IOException e) {
      throw new AssertionError("PUT failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static String put(String url, byte[] content) {
    return put(url, content, 0, content.length);
  }

  /** GETs a URL (a presigned download), returning status and bytes. */
  public static HttpResponse<byte[]> get(String url) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new AssertionError("GET failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Map<String, Object> part(int number, String token) {
    return Map.of("part_number", number, "part_token", token);
  }

  /** Uploads every described part of content and returns their tokens as request entries. */
  public static List<Map<String, Object>> putAll(List<Map<String, Object>> parts, byte[] content) {
    return parts.stream()
        .map(
            descriptor -> {
              int offset = ((Number) descriptor.get("offset")).intValue();
              int length = ((Number) descriptor.get("length")).intValue();
              String etag = put((String) descriptor.get("url"), content, offset, offset + length);
              return part(((Number) descriptor.get("part_number")).intValue(), etag);
            })
        .toList();
  }

  /** A multipart/form-data body of one file part, the filename as raw UTF-8. */
  private static byte[] form(String boundary, String filename, String contentType, byte[] content) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: "
                + contentType
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }
}
