package dev.filesapi.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.support.ConformingHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The few HTTP calls the database tests make against a running service, with one API key. */
final class ServiceCalls {
  static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  private static final HttpClient RAW =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI base;
  private final String apiKey;

  ServiceCalls(URI base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  URI base() {
    return base;
  }

  /** Sends a call with the API key; body is JSON or null. Every answer must be documented. */
  HttpResponse<String> send(String method, String path, String body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Authorization", "Bearer " + apiKey);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    return send(method, path, body, Duration.ofSeconds(60));
  }

  /** Sends a call that must answer expectedStatus; returns its JSON body. */
  JsonNode expect(int expectedStatus, String method, String path, Object body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(method, path, body == null ? null : JSON.writeValueAsString(body));
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(expectedStatus);
    return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
  }

  JsonNode initiate(String filename, long numBytes, boolean resume)
      throws IOException, InterruptedException {
    return expect(
        200,
        "POST",
        "/v1/files/uploads/initiate",
        Map.of(
            "filename",
            filename,
            "file_type",
            "application/octet-stream",
            "num_bytes",
            numBytes,
            "resume_if_started",
            resume));
  }

  /** PUTs bytes to a presigned URL; returns the ETag (the part token). */
  static String put(String url, byte[] bytes) throws IOException, InterruptedException {
    HttpResponse<String> put =
        RAW.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as("presigned PUT: " + put.body()).isEqualTo(200);
    return put.headers().firstValue("ETag").orElseThrow();
  }

  static byte[] fetch(String url) throws IOException, InterruptedException {
    HttpResponse<byte[]> got =
        RAW.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(got.statusCode()).as("presigned GET").isEqualTo(200);
    return got.body();
  }

  /** The simple upload: one multipart request with the file; answers as the service does. */
  HttpResponse<String> simpleUploadTyped(String filename, String type, byte[] content)
      throws IOException, InterruptedException {
    return simpleUpload(filename, type, content, Duration.ofSeconds(60));
  }

  HttpResponse<String> simpleUpload(String filename, String type, byte[] content, Duration timeout)
      throws IOException, InterruptedException {
    String boundary = "files-boundary-" + Long.toHexString(System.nanoTime());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: "
                + type
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve("/v1/files"))
            .timeout(timeout)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
