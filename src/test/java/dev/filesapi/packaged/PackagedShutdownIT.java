package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.Api;
import dev.filesapi.support.CompleteGate;
import dev.filesapi.support.PackagedApp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final CompleteGate GATE = new CompleteGate();

  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static PackagedApp app;

  @BeforeAll
  static void start() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store =
        EmbeddedStore.inMemory("shutdown-access-key", "shutdown-secret-key")
            .decorated(GATE::holding)
            .start(0, BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    GATE.release();
    PackagedApp.closeAll(app, store, database);
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
        Api.json(
            Api.at(base, API_KEY)
                .send(
                    "POST",
                    "/v1/files/uploads/initiate",
                    "{\"filename\":\"held.txt\",\"file_type\":\"text/plain\",\"num_bytes\":"
                        + content.length
                        + "}"));
    String uploadId = initiated.path("upload_id").asText();
    String etag =
        Api.put(initiated.path("parts").get(0).path("url").asText(), content, 0, content.length);

    CompletableFuture<HttpResponse<String>> complete =
        Api.http()
            .sendAsync(
                Api.at(base, API_KEY)
                    .request(
                        "POST",
                        "/v1/files/uploads/" + uploadId + "/complete",
                        "{\"parts\":[{\"part_number\":0,\"part_token\":"
                            + JSON.writeValueAsString(etag)
                            + "}]}"),
                HttpResponse.BodyHandlers.ofString());
    assertThat(GATE.awaitArrival(Duration.ofSeconds(60)))
        .as("the complete reached the store\n%s", app.report())
        .isTrue();

    app.process().destroy(); // SIGTERM

    // At once: readiness DOWN, while the API still answers (the drain delay).
    int ready = awaitStatus(base, "/q/health/ready", 503, Duration.ofSeconds(10));
    assertThat(ready).as("readiness after SIGTERM\n%s", app.report()).isEqualTo(503);
    assertThat(Api.at(base, API_KEY).send("GET", "/v1/files/info", null).statusCode())
        .as("a new request during the drain delay\n%s", app.report())
        .isEqualTo(200);
    // The delay (3 s) passes; the process stays up while the complete is held in the store.
    assertThat(app.process().waitFor(8, TimeUnit.SECONDS))
        .as("the process exited with a complete in flight\n%s", app.report())
        .isFalse();

    GATE.release();

    HttpResponse<String> completed = complete.get(60, TimeUnit.SECONDS);
    assertThat(completed.statusCode()).as(completed.body() + "\n" + app.report()).isEqualTo(200);
    assertThat(Api.json(completed).path("file_name").asText()).isEqualTo("held.txt");
    assertThat(app.process().waitFor(60, TimeUnit.SECONDS))
        .as("the process exits after the complete\n%s", app.report())
        .isTrue();
    String key = Api.json(completed).path("file_uid").asText();
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
        status = Api.at(base, API_KEY).send("GET", path, null).statusCode();
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
}
