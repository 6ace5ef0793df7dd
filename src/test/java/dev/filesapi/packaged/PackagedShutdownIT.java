package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.ConformingHttpClient;
import dev.filesapi.support.PackagedApp;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM is graceful: readiness goes DOWN at once while requests are still served for the drain
 * delay, then the process waits for a complete that the store holds up, which answers 200, and
 * exits after it. The store (S3Proxy in this JVM) blocks CompleteMultipartUpload until the test
 * lets it go, so the complete is in flight for as long as the test needs, without timing
 * assumptions.
 */
@Tag("long") // the packaged service stopped mid-request
class PackagedShutdownIT {
  private static final String API_KEY = "fk_live_shutdown" + "0".repeat(32);
  private static final String BUCKET = "shutdown";
  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final CountDownLatch COMPLETE_ARRIVED = new CountDownLatch(1);
  private static final CountDownLatch COMPLETE_MAY_GO_ON = new CountDownLatch(1);

  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static PackagedApp app;

  @BeforeAll
  static void start() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store =
        EmbeddedStore.inMemory("shutdown-access-key", "shutdown-secret-key")
            .decorated(PackagedShutdownIT::holdingCompletes)
            .start(0, BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    COMPLETE_MAY_GO_ON.countDown();
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      try {
        if (store != null) {
          store.close();
        }
      } finally {
        if (database != null) {
          database.close();
        }
      }
    }
  }

  @Test
  void sigtermLetsTheCompleteInFlightAnswerBeforeTheProcessExits() throws Exception {
    List<String> options = new ArrayList<>(PackagedApp.databaseSettings(database));
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
    options.add("-Dquarkus.shutdown.delay=3S");
    options.add("-Dquarkus.shutdown.timeout=30S");
    // The store holds the complete for longer than a control call's deadline (5 s) would allow.
    options.add("-Dfiles.storage.timeout.control=60S");
    options.add("-Dfiles.storage.timeout.control-attempt=60S");
    options.add("-Dquarkus.log.console.json.enabled=false");
    app = PackagedApp.start("packaged-shutdown-", options);
    URI base = app.awaitReady(Duration.ofSeconds(120));

    byte[] content = "held up in the store".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    JsonNode initiated =
        json(
            send(
                base,
                "POST",
                "/v1/files/uploads/initiate",
                "{\"filename\":\"held.txt\",\"file_type\":\"text/plain\",\"num_bytes\":"
                    + content.length
                    + "}"));
    String uploadId = initiated.path("upload_id").asText();
    HttpResponse<String> put =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(initiated.path("parts").get(0).path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(200);
    String etag = put.headers().firstValue("ETag").orElseThrow();

    CompletableFuture<HttpResponse<String>> complete =
        HTTP.sendAsync(
            request(
                base,
                "POST",
                "/v1/files/uploads/" + uploadId + "/complete",
                "{\"parts\":[{\"part_number\":0,\"part_token\":"
                    + JSON.writeValueAsString(etag)
                    + "}]}"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(COMPLETE_ARRIVED.await(60, TimeUnit.SECONDS))
        .as("the complete reached the store\n%s", app.report())
        .isTrue();

    app.process().destroy(); // SIGTERM

    // At once: readiness DOWN, while the API still answers (the drain delay).
    int ready = awaitStatus(base, "/q/health/ready", 503, Duration.ofSeconds(10));
    assertThat(ready).as("readiness after SIGTERM\n%s", app.report()).isEqualTo(503);
    assertThat(send(base, "GET", "/v1/files/info", null).statusCode())
        .as("a new request during the drain delay\n%s", app.report())
        .isEqualTo(200);
    // The delay (3 s) passes; the process stays up while the complete is held in the store.
    assertThat(app.process().waitFor(8, TimeUnit.SECONDS))
        .as("the process exited with a complete in flight\n%s", app.report())
        .isFalse();

    COMPLETE_MAY_GO_ON.countDown();

    HttpResponse<String> completed = complete.get(60, TimeUnit.SECONDS);
    assertThat(completed.statusCode()).as(completed.body() + "\n" + app.report()).isEqualTo(200);
    assertThat(json(completed).path("file_name").asText()).isEqualTo("held.txt");
    assertThat(app.process().waitFor(60, TimeUnit.SECONDS))
        .as("the process exits after the complete\n%s", app.report())
        .isTrue();
    String key = json(completed).path("file_uid").asText();
    assertThat(
            store.blobStore().list(BUCKET, ListContainerOptions.Builder.recursive()).stream()
                .map(StorageMetadata::getName))
        .anyMatch(name -> name.endsWith("/" + key));
  }

  /** Polls until the path answers the status (or the deadline passes); returns the last status. */
  private static int awaitStatus(URI base, String path, int wanted, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    int status = -1;
    while (Instant.now().isBefore(deadline)) {
      try {
        status = send(base, "GET", path, null).statusCode();
      } catch (java.io.IOException e) {
        status = -1;
      }
      if (status == wanted) {
        return status;
      }
      Thread.sleep(50);
    }
    return status;
  }

  private static HttpResponse<String> send(URI base, String method, String path, String body)
      throws Exception {
    return HTTP.send(request(base, method, path, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(URI base, String method, String path, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(90))
            .header("Authorization", "Bearer " + API_KEY);
    if (body == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return builder
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The store, holding every CompleteMultipartUpload until the test lets it go on. */
  private static BlobStore holdingCompletes(BlobStore target) {
    return (BlobStore)
        Proxy.newProxyInstance(
            BlobStore.class.getClassLoader(),
            new Class<?>[] {BlobStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("completeMultipartUpload")) {
                COMPLETE_ARRIVED.countDown();
                if (!COMPLETE_MAY_GO_ON.await(120, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("the test never let the complete go on");
                }
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
