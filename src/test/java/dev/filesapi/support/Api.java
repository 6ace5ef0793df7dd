package dev.filesapi.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Small helpers for calling the API as a client would. */
public final class Api {
  private static final HttpClient HTTP = ConformingHttpClient.wrap(HttpClient.newHttpClient());

  private Api() {}

  public static RequestSpecification as(String apiKey) {
    return given().header("Authorization", "Bearer " + apiKey).contentType(ContentType.JSON);
  }

  public static RequestSpecification api() {
    return as(FilesTestResource.API_KEY);
  }

  public static Response initiate(String apiKey, String filename, long numBytes, boolean resume) {
    return as(apiKey)
        .body(
            Map.of(
                "filename", filename,
                "file_type", "application/octet-stream",
                "num_bytes", numBytes,
                "resume_if_started", resume))
        .post("/v1/files/uploads/initiate");
  }

  /** PUTs bytes to a presigned URL exactly as given, returning the ETag. */
  public static String put(String url, byte[] content, int from, int to) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .PUT(
                      HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, from, to)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("PUT answered " + response.statusCode() + ": " + response.body());
      }
      return response.headers().firstValue("ETag").orElseThrow();
    } catch (IOException e) {
      throw new AssertionError("PUT failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * POSTs a multipart/form-data body with one file part to /v1/files, the filename written as raw
   * UTF-8 the way browsers send it.
   */
  public static HttpResponse<String> postForm(
      int port, String apiKey, String filename, String contentType, byte[] content) {
    String boundary = "----files-api-test-boundary";
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: "
                + contentType
                + "\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] tail =
        ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(content, 0, body, head.length, content.length);
    System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/files"))
              .header("Authorization", "Bearer " + apiKey)
              .header("Content-Type", "multipart/form-data; boundary=" + boundary)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("POST failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
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
}
