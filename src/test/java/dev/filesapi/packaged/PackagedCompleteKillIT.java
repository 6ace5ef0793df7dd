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
import java.util.concurrent.TimeUnit;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 24: SIGKILL of the service while a complete runs in the store; the store finishes the
 * object; the service is started again; the complete sent again the way the source API's client
 * sends it (again on anything but 200/201 and 400–416, three attempts, no pause) registers the file
 * at once (never {@code 409 upload_completing}), and the bucket holds exactly the file's object.
 * The store (S3Proxy in this JVM) holds CompleteMultipartUpload until the test lets it go.
 */
@Tag("long")
class PackagedCompleteKillIT {
  private static final String API_KEY = "fk_live_killcomplete" + "0".repeat(28);
  private static final String BUCKET = "kill-complete";
  private static final int NUM_RETRIES = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final CompleteGate GATE = new CompleteGate();

  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static final List<PackagedApp> apps = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store =
        EmbeddedStore.inMemory("kill-access-key", "kill-secret-key")
            .decorated(GATE::holding)
            .start(0, BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    GATE.release();
    List<AutoCloseable> all = new ArrayList<>(apps);
    all.add(store);
    all.add(database);
    PackagedApp.closeAll(all.toArray(AutoCloseable[]::new));
  }

  @Test
  void aCompleteKilledWhileTheStoreAssemblesEndsRegisteredAfterARestart() throws Exception {
    PackagedApp first = startApp();
    URI base = first.awaitReady(Duration.ofSeconds(180));
    byte[] content = "assembled while the service was killed".getBytes();
    JsonNode initiated =
        Api.json(
            Api.at(base, API_KEY)
                .send(
                    "POST",
                    "/v1/files/uploads/initiate",
                    "{\"filename\":\"killed.txt\",\"file_type\":\"text/plain\",\"num_bytes\":"
                        + content.length
                        + "}"));
    String uploadId = initiated.path("upload_id").asText();
    String fileUid = initiated.path("file_uid").asText();
    String etag =
        Api.put(initiated.path("parts").get(0).path("url").asText(), content, 0, content.length);
    String completeBody =
        "{\"parts\": [{\"part_number\": 0, \"part_token\": "
            + JSON.writeValueAsString(etag)
            + "}]}";
    Api.http()
        .sendAsync(
            Api.at(base, API_KEY)
                .request("POST", "/v1/files/uploads/" + uploadId + "/complete", completeBody),
            HttpResponse.BodyHandlers.discarding());
    assertThat(GATE.awaitArrival(Duration.ofSeconds(60)))
        .as("the complete reached the store\n%s", first.report())
        .isTrue();

    first.process().destroyForcibly(); // SIGKILL
    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    GATE.release();
    awaitObject(fileUid, Duration.ofSeconds(30));

    PackagedApp second = startApp();
    base = second.awaitReady(Duration.ofSeconds(180));
    int attempts = 0;
    HttpResponse<String> answer;
    do {
      attempts++;
      answer =
          Api.at(base, API_KEY)
              .send("POST", "/v1/files/uploads/" + uploadId + "/complete", completeBody);
    } while (retried(answer.statusCode()) && attempts < NUM_RETRIES);

    assertThat(answer.statusCode()).as(answer.body() + "\n" + second.report()).isEqualTo(200);
    assertThat(attempts).isEqualTo(1);
    assertThat(JSON.readTree(answer.body()).path("file_uid").asText()).isEqualTo(fileUid);
    JsonNode info = Api.json(Api.at(base, API_KEY).send("GET", "/v1/files/info", null));
    // Objects = files: one file, one object, its own.
    assertThat(info.path("num_files").asLong()).isEqualTo(1);
    assertThat(objects()).singleElement().satisfies(name -> assertThat(name).endsWith(fileUid));
  }

  private static boolean retried(int status) {
    return status != 200 && status != 201 && (status < 400 || status > 416);
  }

  private static PackagedApp startApp() throws Exception {
    List<String> options = new ArrayList<>(PackagedApp.databaseSettings(database));
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
    options.add("-Dquarkus.log.console.json.enabled=false");
    PackagedApp app = PackagedApp.start("packaged-kill-complete-", options);
    apps.add(app);
    return app;
  }

  /** Polls the bucket until the store has written the object (or the bound passes). */
  private static void awaitObject(String fileUid, Duration bound) throws InterruptedException {
    Instant deadline = Instant.now().plus(bound);
    while (Instant.now().isBefore(deadline)) {
      if (objects().stream().anyMatch(name -> name.endsWith(fileUid))) {
        return;
      }
      Thread.sleep(50); // polling interval; the loop checks the state
    }
    throw new AssertionError("the store never finished the object; it holds " + objects());
  }

  private static List<String> objects() {
    return store.blobStore().list(BUCKET, ListContainerOptions.Builder.recursive()).stream()
        .map(StorageMetadata::getName)
        .filter(name -> name.contains("/files/"))
        .toList();
  }
}
