package dev.filesapi.compat;

import static io.restassured.RestAssured.given;
import static io.restassured.config.EncoderConfig.encoderConfig;
import static io.restassured.config.RedirectConfig.redirectConfig;

import dev.filesapi.support.Api;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
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
 *
 * <p>{@link #directUpload} is its {@code direct_upload} with the default arguments ({@code
 * max_workers=8}, checkpointing on, no resume): the part PUTs 8 at a time, each retried on 408,
 * 429, 5xx and network errors after a pause of 1 s, then 2 s (plus up to a quarter of jitter),
 * three attempts in all, and sent again once with a fresh URL from {@code parts/urls} on a 403 (or
 * a 400 naming {@code TokenExpired}); every finished part checkpointed on its own, by four other
 * threads, fire-and-forget, so that checkpoints may still arrive while (or after) the complete
 * runs; then one complete naming every part PUT, sorted; and a best-effort abort when anything
 * after the initiate fails. Checked against the real client (its source as of the version with
 * {@code allow_resume}) run at 2 and 5 GiB by {@code bench/source-client-upload.py}.
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

  /** direct_upload's default max_workers: part PUTs at once. */
  static final int MAX_WORKERS = 8;

  /** The threads direct_upload checkpoints finished parts with. */
  static final int CHECKPOINT_WORKERS = 4;

  /** _RETRYABLE_STATUS_CODES of the part PUTs. */
  private static final Set<Integer> RETRYABLE_PUT = Set.of(408, 429, 500, 502, 503, 504);

  /** The tests' client: HTTP/1.1 as requests speaks it, redirects not followed on its own. */
  private static final HttpClient HTTP = Api.http();

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
          ".jsonl", "text/plain",
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
   * another host or port; the final answer goes through the client's request rule (200 returns,
   * 400–416 raise ApiError, anything else is sent again, three attempts). Returns the bytes, or
   * null where the client raises.
   */
  byte[] download(String fileId) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
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
      if (response.statusCode() == 200) {
        return response.body();
      }
      if (outcomeOf(response.statusCode()) == Outcome.API_ERROR || attempt >= NUM_RETRIES) {
        return null;
      }
    }
  }

  // ---- direct_upload ----

  /** _initiate_upload: json.dumps of filename, file_type, num_bytes. */
  public Result initiate(String filename, long numBytes) {
    return initiate(filename, numBytes, false);
  }

  /** _initiate_upload(resume_if_started=...): upload(allow_resume=True) adds the flag. */
  public Result initiate(String filename, long numBytes, boolean resumeIfStarted) {
    String payload =
        "{\"filename\": \""
            + filename
            + "\", \"file_type\": \""
            + fileType(filename)
            + "\", \"num_bytes\": "
            + numBytes
            + (resumeIfStarted ? ", \"resume_if_started\": true" : "")
            + "}";
    return execute(() -> json().body(payload).post("/v1/files/uploads/initiate"));
  }

  /**
   * One PUT of a part as _upload_part_with_retry sends it (only Content-Length besides the requests
   * library's headers); the ETag header (or "") is the part token. One attempt: anything but
   * 200/201 fails.
   */
  public static Map<String, Object> putPart(Map<String, Object> part, byte[] file)
      throws IOException, InterruptedException {
    HttpResponse<String> response = sendPart((String) part.get("url"), part, file);
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      throw new AssertionError(
          "part PUT answered " + response.statusCode() + ": " + response.body());
    }
    return token(part, response);
  }

  /**
   * _upload_part_with_retry: up to {@link #NUM_RETRIES} attempts (the client passes its
   * num_retries), a pause before each repeat of min(0.5 s × 2^attempt, 30 s) plus up to a quarter
   * of it at random; repeated on 408, 429, 500, 502, 503, 504 and on a network error; a 403 (or a
   * 400 naming TokenExpired) fetches a fresh URL from parts/urls, the first time without a pause or
   * counting as an attempt; any other status fails at once (raise_for_status).
   */
  Map<String, Object> putPartWithRetry(String uploadId, Map<String, Object> part, byte[] file)
      throws IOException, InterruptedException {
    int number = ((Number) part.get("part_number")).intValue();
    String url = (String) part.get("url");
    boolean refreshed = false;
    String lastError = null;
    int attempt = 0;
    while (attempt < NUM_RETRIES) {
      if (attempt > 0) {
        double backoff = Math.min(0.5 * Math.pow(2, attempt), 30.0);
        double jitter = ThreadLocalRandom.current().nextDouble(0, backoff * 0.25);
        Thread.sleep((long) ((backoff + jitter) * 1000));
      }
      HttpResponse<String> response;
      try {
        response = sendPart(url, part, file);
      } catch (IOException e) {
        lastError = e.toString();
        attempt++;
        continue;
      }
      int status = response.statusCode();
      if (status == 200 || status == 201) {
        return token(part, response);
      }
      if (status == 403 || (status == 400 && response.body().contains("TokenExpired"))) {
        url = freshUrl(uploadId, number);
        if (!refreshed) {
          refreshed = true;
          continue;
        }
        lastError = "HTTP " + status + ": " + response.body();
        attempt++;
        continue;
      }
      if (RETRYABLE_PUT.contains(status)) {
        lastError = "HTTP " + status + ": " + response.body();
        attempt++;
        continue;
      }
      throw new IllegalStateException("part " + number + ": HTTP " + status);
    }
    throw new IllegalStateException(
        "Part " + number + " failed after " + NUM_RETRIES + " attempts: " + lastError);
  }

  private static HttpResponse<String> sendPart(String url, Map<String, Object> part, byte[] file)
      throws IOException, InterruptedException {
    int offset = ((Number) part.get("offset")).intValue();
    int length = ((Number) part.get("length")).intValue();
    HttpRequest.Builder put =
        HttpRequest.newBuilder(URI.create(url))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(file, offset, length));
    REQUESTS_HEADERS.forEach(put::header);
    return HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> token(Map<String, Object> part, HttpResponse<?> response) {
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("part_number", part.get("part_number"));
    done.put("part_token", response.headers().firstValue("etag").orElse(""));
    return done;
  }

  /**
   * _refresh_part_url: parts/urls for the one part (through the client's request rule; ApiError or
   * ValueError end the part).
   */
  private String freshUrl(String uploadId, int number) {
    Result urls =
        execute(
            () ->
                json()
                    .body("{\"part_numbers\": [" + number + "]}")
                    .post("/v1/files/uploads/" + uploadId + "/parts/urls"));
    if (urls.outcome() == Outcome.RETURNED) {
      for (Map<String, Object> fresh : urls.json().<Map<String, Object>>getList("parts")) {
        if (((Number) fresh.get("part_number")).intValue() == number) {
          return (String) fresh.get("url");
        }
      }
    }
    throw new IllegalStateException("parts/urls for part " + number + ": " + urls);
  }

  /** _checkpoint_parts: json.dumps({"parts": parts}) through the client's request rule. */
  Result checkpoint(String uploadId, List<Map<String, Object>> parts) {
    String payload = "{\"parts\": " + partsJson(parts) + "}";
    return execute(
        () -> json().body(payload).post("/v1/files/uploads/" + uploadId + "/parts/checkpoint"));
  }

  /** _complete_upload: json.dumps({"parts": completed_parts}), sorted by part number. */
  public Result complete(String uploadId, List<Map<String, Object>> completedParts) {
    String payload = "{\"parts\": " + partsJson(completedParts) + "}";
    return execute(() -> json().body(payload).post("/v1/files/uploads/" + uploadId + "/complete"));
  }

  /** json.dumps of a list of {"part_number": n, "part_token": t}: ", " and ": " separators. */
  private static String partsJson(List<Map<String, Object>> completedParts) {
    List<String> parts = new ArrayList<>();
    for (Map<String, Object> part : completedParts) {
      parts.add(
          "{\"part_number\": "
              + part.get("part_number")
              + ", \"part_token\": \""
              + ((String) part.get("part_token")).replace("\"", "\\\"")
              + "\"}");
    }
    return "[" + String.join(", ", parts) + "]";
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
   * direct_upload with its default arguments: initiate; the part PUTs {@link #MAX_WORKERS} at a
   * time ({@link #putPartWithRetry}), each finished part checkpointed alone on one of {@link
   * #CHECKPOINT_WORKERS} other threads without waiting for it (failures only logged by the client);
   * then the complete of the parts PUT, sorted, while checkpoints may still be on their way; any
   * failure after the initiate sends a best-effort abort and is raised. Answers as the client does:
   * {"is_valid": true, "file_id": complete's file_name, "file_uid": complete's file_uid}.
   */
  Map<String, Object> directUpload(String filename, byte[] content) throws Exception {
    Result initiated = initiate(filename, content.length);
    if (initiated.outcome() != Outcome.RETURNED) {
      throw new AssertionError("initiate: " + initiated);
    }
    String uploadId = initiated.json().getString("upload_id");
    List<Map<String, Object>> parts = initiated.json().getList("parts");
    ExecutorService checkpoints = Executors.newFixedThreadPool(CHECKPOINT_WORKERS);
    try {
      List<Map<String, Object>> done = new ArrayList<>();
      if (!parts.isEmpty()) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_WORKERS, parts.size()));
        try {
          CompletionService<Map<String, Object>> puts = new ExecutorCompletionService<>(pool);
          for (Map<String, Object> part : parts) {
            puts.submit(() -> putPartWithRetry(uploadId, part, content));
          }
          for (int i = 0; i < parts.size(); i++) {
            Map<String, Object> result;
            try {
              result = puts.take().get();
            } catch (ExecutionException e) {
              throw new IllegalStateException(e.getCause());
            }
            done.add(result);
            checkpoints.submit(() -> checkpoint(uploadId, List.of(result)));
          }
        } finally {
          pool.shutdownNow();
        }
      }
      done.sort(
          (a, b) ->
              Integer.compare((Integer) a.get("part_number"), (Integer) b.get("part_number")));
      Result completed = complete(uploadId, done);
      if (completed.outcome() != Outcome.RETURNED) {
        throw new AssertionError("complete: " + completed);
      }
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("is_valid", true);
      answer.put("file_id", completed.json().getString("file_name"));
      answer.put("file_uid", completed.json().getString("file_uid"));
      return answer;
    } catch (Exception | AssertionError e) {
      try {
        abort(uploadId);
      } catch (RuntimeException ignored) {
        // _abort_upload only logs its own failure
      }
      throw e;
    } finally {
      checkpoints.shutdown(); // without waiting, as the client does
    }
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
    return Api.local().base().toString();
  }
}
