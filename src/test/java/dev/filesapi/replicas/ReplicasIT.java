package dev.filesapi.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.Api;
import dev.filesapi.support.PackagedApp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the packaged application, started at the same moment against one empty database
 * and one bucket, as replicas behind a load balancer would be. Proves that start-up (Flyway,
 * bootstrap) and resume_if_started are arbitrated by PostgreSQL, not by JVM memory.
 */
@Tag("long") // several packaged replicas
class ReplicasIT {
  private static final String API_KEY = "fk_live_replicas000000000000000000000000000000";
  private static final String BUCKET = "replicas";
  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static final List<PackagedApp> replicas = new ArrayList<>();
  private static final List<Api> apis = new ArrayList<>();

  @BeforeAll
  static void startTwoReplicasAtOnce() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store = EmbeddedStore.inMemory("replica-access", "replica-secret").start(0, BUCKET);
    List<String> options = new ArrayList<>(PackagedApp.databaseSettings(database));
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
    for (int i = 0; i < 2; i++) {
      replicas.add(PackagedApp.start("replica-" + i + "-", options));
    }
    for (PackagedApp replica : replicas) {
      apis.add(Api.at(replica.awaitReady(Duration.ofSeconds(120)), API_KEY));
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    List<AutoCloseable> all = new ArrayList<>(replicas);
    all.add(store);
    all.add(database);
    PackagedApp.closeAll(all.toArray(AutoCloseable[]::new));
  }

  @Test
  void concurrentResumingInitiatesAcrossReplicasShareOneUpload() throws Exception {
    String filename = "replicated-" + UUID.randomUUID();
    String body =
        "{\"filename\":\""
            + filename
            + "\",\"file_type\":\"application/octet-stream\",\"num_bytes\":1048576,"
            + "\"resume_if_started\":true}";
    ExecutorService pool = Executors.newFixedThreadPool(32);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Api replica = apis.get(i % 2);
        calls.add(
            () -> {
              start.await();
              return replica.send("POST", "/v1/files/uploads/initiate", body);
            });
      }
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (Callable<HttpResponse<String>> call : calls) {
        futures.add(pool.submit(call));
      }
      start.countDown();
      Set<String> uploadIds = new HashSet<>();
      for (Future<HttpResponse<String>> future : futures) {
        HttpResponse<String> response = future.get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        uploadIds.add(Api.JSON.readTree(response.body()).get("upload_id").asText());
      }
      assertThat(uploadIds).hasSize(1);
    } finally {
      pool.shutdownNow();
    }

    for (Api replica : apis) {
      JsonNode page =
          Api.json(replica.send("GET", "/v1/files/uploads?status=in_progress&limit=1000", null));
      long withName = 0;
      for (JsonNode upload : page.get("uploads")) {
        if (upload.get("file_name").asText().equals(filename)) {
          withName++;
        }
      }
      assertThat(withName).isEqualTo(1);
    }
  }

  @Test
  void bothReplicasServeTheSameBootstrapOrganization() throws Exception {
    for (Api replica : apis) {
      assertThat(replica.send("GET", "/v1/files/info", null).statusCode()).isEqualTo(200);
    }
  }
}
