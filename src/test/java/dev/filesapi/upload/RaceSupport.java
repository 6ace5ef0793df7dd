package dev.filesapi.upload;

import static dev.filesapi.upload.UploadTestSupport.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.ConformingHttpClient;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * Concurrent requests for the race and fault tests. Requests go through one java.net.http client
 * (thread-safe, unlike RestAssured's static configuration); each answer is a {@link Answer}.
 */
final class RaceSupport {
  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build());

  private RaceSupport() {}

  /** One HTTP answer: status, headers and the body parsed as JSON (null when empty). */
  record Answer(int status, HttpResponse<String> response) {
    JsonPath json() {
      return response.body().isEmpty() ? null : new JsonPath(response.body());
    }

    String code() {
      JsonPath json = json();
      return json == null ? null : json.getString("code");
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + response.body();
    }
  }

  /** POSTs JSON to a path under the test server (e.g. /v1/files/uploads/initiate). */
  static Answer post(String path, String json) {
    URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response);
    } catch (IOException e) {
      throw new AssertionError("POST " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Answer complete(String uploadId) {
    return post("/v1/files/uploads/" + uploadId + "/complete", "{\"parts\":[]}");
  }

  static Answer abort(String uploadId) {
    return post("/v1/files/uploads/" + uploadId + "/abort", "");
  }

  /**
   * Runs every task at once on a pool of the given size: all wait on one latch that opens when the
   * last is ready (or when the pool is smaller than the task list, as soon as the pool is full).
   * Returns the results in task order; any exception fails the test.
   */
  static <T> List<T> together(int threads, List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(Math.min(threads, tasks.size()));
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>(tasks.size());
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.call();
                }));
      }
      assertThat(ready.await(30, TimeUnit.SECONDS)).as("threads ready").isTrue();
      go.countDown();
      List<T> results = new ArrayList<>(tasks.size());
      for (Future<T> future : futures) {
        results.add(future.get(120, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** An upload of content with every part PUT and checkpointed; returns the initiate answer. */
  static JsonPath uploadedAndCheckpointed(String filename, byte[] content) {
    JsonPath initiated =
        Api.initiate(KEY, filename, content.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);
    Api.api()
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/parts/checkpoint", initiated.getString("upload_id"))
        .then()
        .statusCode(200);
    return initiated;
  }

  /** The upload's storage key, read from the database (the API does not show it). */
  static String storageKey(String uploadId) {
    return QuarkusTransaction.requiringNew()
        .call(() -> Upload.<Upload>findById(uploadId).storageKey);
  }

  /** The upload's id in the store (its multipart upload id), read from the database. */
  static String backendUploadId(String uploadId) {
    return QuarkusTransaction.requiringNew()
        .call(() -> Upload.<Upload>findById(uploadId).backendUploadId);
  }

  /**
   * Names of everything the store holds for this upload: the object, and the parts and bookkeeping
   * blobs of an unfinished multipart upload (S3Proxy's in-memory store names them after the key and
   * the multipart upload id).
   */
  static List<String> storedFor(String storageKey, String backendUploadId) {
    var blobStore = FilesTestResource.store().blobStore();
    List<String> names = new ArrayList<>();
    String marker = null;
    do {
      ListContainerOptions options = ListContainerOptions.Builder.recursive();
      if (marker != null) {
        options.afterMarker(marker);
      }
      PageSet<? extends StorageMetadata> page = blobStore.list(FilesTestResource.BUCKET, options);
      for (StorageMetadata blob : page) {
        if (blob.getName().contains(storageKey) || blob.getName().contains(backendUploadId)) {
          names.add(blob.getName());
        }
      }
      marker = page.getNextMarker();
    } while (marker != null);
    return names;
  }

  /** Unfinished multipart uploads of this key in the store. */
  static long multipartUploadsOf(String storageKey) {
    return FilesTestResource.store()
        .blobStore()
        .listMultipartUploads(FilesTestResource.BUCKET)
        .stream()
        .filter(upload -> upload.blobName().equals(storageKey))
        .count();
  }

  /** Ids of the uploads with this filename (and status, unless null), paging through the list. */
  static List<String> uploadsNamed(String filename, String status) {
    List<String> found = new ArrayList<>();
    String cursor = null;
    do {
      var request = Api.api().queryParam("limit", 1000);
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

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
