package dev.filesapi.compat;

import static io.restassured.RestAssured.given;
import static io.restassured.config.EncoderConfig.encoderConfig;
import static io.restassured.config.RedirectConfig.redirectConfig;

import dev.filesapi.support.ConformingHttpClient;
import io.restassured.RestAssured;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Speaks to the service as the source API's published Python client does ({@code
 * archetypeai/python-client}: {@code FilesApiBase}, {@code LocalFilesApi}, {@code direct_upload}),
 * written from its public source: the requests library's headers, query strings built from the
 * client's default arguments, requests_toolbelt's multipart encoding with the file part's content
 * type, {@code json.dumps} bodies, part PUTs that carry only {@code Content-Length}, redirects
 * followed without the Authorization header, and the client's handling of status codes: it returns
 * the body on 200/201, raises {@code ApiError} (reading {@code errors[].code}) on 400–416, and
 * sends every other status again, three attempts in all, before raising {@code ValueError}.
 */
public final class SourceClient {
  /** What the client makes of an answer's status. */
  public enum Outcome {
    /** 200 or 201: the body is returned. */
    RETURNED,
    /** 400–416: ApiError, with the body's errors. */
    API_ERROR,
    /** Anything else: the same request is sent again, three attempts, then ValueError. */
    RETRIED
  }

  static final int NUM_RETRIES = 3;

  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build());

  /** What the requests library adds to every request it sends. */
  private static final Map<String, String> REQUESTS_HEADERS =
      Map.of(
          "User-Agent", "python-requests/2.32.3",
          "Accept-Encoding", "gzip, deflate",
          "Accept", "*/*");

  /** The client's file types by extension (LocalFilesApi.get_file_type). */
  private static final Map<String, String> FILE_TYPES =
      Map.of(
          ".png", "image/png",
          ".jpg", "image/jpeg",
          ".jpeg", "image/jpeg",
          ".mp4", "video/mp4",
          ".json", "text/plain",
          ".csv", "text/csv",
          ".txt", "text/plain",
          ".text", "text/plain");

  private final String apiKey;

  public SourceClient(String apiKey) {
    this.apiKey = apiKey;
  }

  /** One call as the client ends it: the last answer, how many were sent, and the outcome. */
  public record Result(int status, String body, int attempts) {
    public Outcome outcome() {
      return outcomeOf(status);
    }

    public JsonPath json() {
      return new JsonPath(body);
    }

    /** ApiError.validate_error_code_exists. */
    boolean errorCodeExists(String code) {
      List<Map<String, Object>> errors = errors();
      return errors != null && errors.stream().anyMatch(e -> code.equals(e.get("code")));
    }

    /** ApiError.validate_error_count. */
    boolean errorCountIs(int count) {
      List<Map<String, Object>> errors = errors();
      return errors != null && errors.size() == count;
    }

    List<Map<String, Object>> errors() {
      return json().getList("errors");
    }
  }

  static Outcome outcomeOf(int status) {
    if (status == 200 || status == 201) {
      return Outcome.RETURNED;
    }
    if (status >= 400 && status <= 416) {
      return Outcome.API_ERROR;
    }
    return Outcome.RETRIED;
  }

  static String fileType(String filename) {
    int dot = filename.lastIndexOf('.');
    String type = dot < 0 ? null : FILE_TYPES.get(filename.substring(dot).toLowerCase(Locale.ROOT));
    if (type == null) {
      throw new IllegalArgumentException("Unsupported file type: " + filename);
    }
    return type;
  }

  // ---- FilesApiBase ----

  /** get_info(). */
  Result getInfo() {
    return execute(() -> request().get("/v1/files/info"));
  }

  /** get_metadata() with the client's defaults: shard_index=-1, max_items_per_shard=-1. */
  Result getMetadata() {
    return getMetadata(-1, -1);
  }

  /** get_metadata(shard_index, max_items_per_shard). */
  Result getMetadata(int shardIndex, int maxItemsPerShard) {
    return execute(
        () ->
            request()
                .queryParam("shard_index", shardIndex)
                .queryParam("max_items_per_shard", maxItemsPerShard)
                .get("/v1/files/metadata"));
  }

  /** get_metadata(file_id=...): the name goes into the path as it is. */
  Result getMetadata(String fileId) {
    return execute(() -> request().urlEncodingEnabled(false).get("/v1/files/metadata/" + fileId));
  }

  // ---- LocalFilesApi ----

  /** upload(filename): the proxy upload, POST /files with one part "file". */
  Result upload(String filename, byte[] content) {
    return execute(() -> postForm("/v1/files", filename, content));
  }

  /** upload(filename, base64_data=...): POST /files/base64, the text as the part's content. */
  Result uploadBase64(String filename, String base64Data) {
    return execute(
        () -> postForm("/v1/files/base64", filename, base64Data.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * upload(filename) of a large file on disk: the form is streamed (requests_toolbelt's encoder
   * reads the file part as it is sent), so this uses the JDK's client rather than buffering it.
   */
  Result upload(Path file) throws IOException, InterruptedException {
    String boundary = boundary();
    String filename = file.getFileName().toString();
    byte[] head = partHead(boundary, filename, fileType(filename));
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    long length = head.length + Files.size(file) + tail.length;
    Supplier<InputStream> body =
        () -> {
          try {
            return new SequenceInputStream(
                new SequenceInputStream(
                    new java.io.ByteArrayInputStream(head), Files.newInputStream(file)),
                new java.io.ByteArrayInputStream(tail));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        };
    int attempts = 0;
    while (true) {
      attempts++;
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(baseUri() + "/v1/files"))
              .header("Authorization", "Bearer " + apiKey)
              .header("Content-Type", "multipart/form-data; boundary=" + boundary)
              .POST(
                  HttpRequest.BodyPublishers.fromPublisher(
                      HttpRequest.BodyPublishers.ofInputStream(body), length));
      REQUESTS_HEADERS.forEach(request::header);
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (outcomeOf(response.statusCode()) != Outcome.RETRIED || attempts >= NUM_RETRIES) {
        return new Result(response.statusCode(), response.body(), attempts);
      }
    }
  }

  /** delete(filename). */
  Result delete(String fileId) {
    return execute(() -> request().urlEncodingEnabled(false).delete("/v1/files/delete/" + fileId));
  }

  /**
   * download(filename): requests follows the 302 and drops the Authorization header on the way to
   * another host or port. Returns the bytes, or null when the client would report failure.
   */
  byte[] download(String fileId) throws IOException, InterruptedException {
    HttpRequest.Builder first =
        HttpRequest.newBuilder(URI.create(baseUri() + "/v1/files/download/" + fileId))
            .header("Authorization", "Bearer " + apiKey)
            .GET();
    REQUESTS_HEADERS.forEach(first::header);
    HttpResponse<byte[]> response =
        HTTP.send(first.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 302) {
      URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
      HttpRequest.Builder redirected = HttpRequest.newBuilder(location).GET();
      REQUESTS_HEADERS.forEach(redirected::header);
      response = HTTP.send(redirected.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
    return response.statusCode() == 200 ? response.body() : null;
  }

  // ---- direct_upload ----

  /** _initiate_upload: json.dumps of filename, file_type, num_bytes. */
  public Result initiate(String filename, long numBytes) {
    String payload =
        "{\"filename\": \""
            + filename
            + "\", \"file_type\": \""
            + fileType(filename)
            + "\", \"num_bytes\": "
            + numBytes
            + "}";
    return execute(() -> json().body(payload).post("/v1/files/uploads/initiate"));
  }

  /**
   * _upload_part_with_retry: a PUT with only Content-Length; the ETag header (or "") is the part
   * token.
   */
  public static Map<String, Object> putPart(Map<String, Object> part, byte[] file)
      throws IOException, InterruptedException {
    int offset = ((Number) part.get("offset")).intValue();
    int length = ((Number) part.get("length")).intValue();
    HttpRequest.Builder put =
        HttpRequest.newBuilder(URI.create((String) part.get("url")))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(file, offset, length));
    REQUESTS_HEADERS.forEach(put::header);
    HttpResponse<String> response = HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      throw new AssertionError(
          "part PUT answered " + response.statusCode() + ": " + response.body());
    }
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("part_number", part.get("part_number"));
    done.put("part_token", response.headers().firstValue("etag").orElse(""));
    return done;
  }

  /** _complete_upload: json.dumps({"parts": completed_parts}), sorted by part number. */
  public Result complete(String uploadId, List<Map<String, Object>> completedParts) {
    List<String> parts = new ArrayList<>();
    for (Map<String, Object> part : completedParts) {
      parts.add(
          "{\"part_number\": "
              + part.get("part_number")
              + ", \"part_token\": \""
              + ((String) part.get("part_token")).replace("\"", "\\\"")
              + "\"}");
    }
    String payload = "{\"parts\": [" + String.join(", ", parts) + "]}";
    return execute(() -> json().body(payload).post("/v1/files/uploads/" + uploadId + "/complete"));
  }

  /** A json.dumps body the client's own functions would not build, sent its way. */
  Result postJson(String path, String payload) {
    return execute(() -> json().body(payload).post(path));
  }

  /** _abort_upload: json.dumps({}). */
  Result abort(String uploadId) {
    return execute(() -> json().body("{}").post("/v1/files/uploads/" + uploadId + "/abort"));
  }

  /**
   * direct_upload: initiate, PUT every part, complete; answers as the client does: {"is_valid":
   * true, "file_id": complete's file_name, "file_uid": complete's file_uid}.
   */
  Map<String, Object> directUpload(String filename, byte[] content)
      throws IOException, InterruptedException {
    Result initiated = initiate(filename, content.length);
    if (initiated.outcome() != Outcome.RETURNED) {
      throw new AssertionError("initiate: " + initiated);
    }
    String uploadId = initiated.json().getString("upload_id");
    List<Map<String, Object>> done = new ArrayList<>();
    for (Map<String, Object> part : initiated.json().<Map<String, Object>>getList("parts")) {
      done.add(putPart(part, content));
    }
    done.sort(
        (a, b) -> Integer.compare((Integer) a.get("part_number"), (Integer) b.get("part_number")));
    Result completed = complete(uploadId, done);
    if (completed.outcome() != Outcome.RETURNED) {
      abort(uploadId);
      throw new AssertionError("complete: " + completed);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("is_valid", true);
    answer.put("file_id", completed.json().getString("file_name"));
    answer.put("file_uid", completed.json().getString("file_uid"));
    return answer;
  }

  // ---- the wire ----

  /** ApiBase._execute_request: sends again on any status but 200/201 and 400–416. */
  private static Result execute(Supplier<Response> send) {
    int attempts = 0;
    while (true) {
      attempts++;
      Response response = send.get();
      if (response.statusCode() == 200
          || response.statusCode() == 201
          || outcomeOf(response.statusCode()) == Outcome.API_ERROR
          || attempts >= NUM_RETRIES) {
        return new Result(response.statusCode(), response.asString(), attempts);
      }
    }
  }

  private RequestSpecification request() {
    RequestSpecification spec =
        given()
            .config(
                RestAssuredConfig.config()
                    .encoderConfig(
                        encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false))
                    .redirect(redirectConfig().followRedirects(false)))
            .header("Authorization", "Bearer " + apiKey);
    REQUESTS_HEADERS.forEach(spec::header);
    return spec;
  }

  private RequestSpecification json() {
    return request().contentType("application/json");
  }

  /** requests_toolbelt's MultipartEncoder({"file": (name, data, type)}). */
  private Response postForm(String path, String filename, byte[] content) {
    String boundary = boundary();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(partHead(boundary, filename, fileType(filename)));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return request()
        .contentType("multipart/form-data; boundary=" + boundary)
        .body(body.toByteArray())
        .post(path);
  }

  private static byte[] partHead(String boundary, String filename, String type) {
    return ("--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: "
            + type
            + "\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** requests_toolbelt: uuid4().hex. */
  private static String boundary() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static String baseUri() {
    return RestAssured.baseURI + ":" + RestAssured.port;
  }
}
