package dev.filesapi.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.ConformingHttpClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static final List<Process> replicas = new ArrayList<>();
  private static final List<Integer> ports = new ArrayList<>();

  @BeforeAll
  static void startTwoReplicasAtOnce() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store = EmbeddedStore.inMemory("replica-access", "replica-secret").start(0, BUCKET);
    String jar = System.getProperty("files.app.jar", "target/quarkus-app/quarkus-run.jar");
    assertThat(Path.of(jar)).exists();
    for (int i = 0; i < 2; i++) {
      int port = freePort();
      ports.add(port);
      Path log = Files.createTempFile("replica-" + i + "-", ".log");
      replicas.add(
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-Dquarkus.http.port=" + port,
                  "-Dfiles.embedded=false",
                  "-Dquarkus.datasource.jdbc.url=" + database.jdbcUrl(),
                  "-Dquarkus.datasource.username=" + database.username(),
                  "-Dquarkus.datasource.password=" + database.password(),
                  "-Dfiles.storage.bucket=" + BUCKET,
                  "-Dfiles.bootstrap.api-key=" + API_KEY,
                  "-Dquarkus.s3.endpoint-override=" + store.endpoint(),
                  "-Dquarkus.s3.path-style-access=true",
                  "-Dquarkus.s3.aws.credentials.type=static",
                  "-Dquarkus.s3.aws.credentials.static-provider.access-key-id=" + store.accessKey(),
                  "-Dquarkus.s3.aws.credentials.static-provider.secret-access-key="
                      + store.secretKey(),
                  "-jar",
                  jar)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start());
    }
    for (int port : ports) {
      awaitReady(port);
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (Process replica : replicas) {
      replica.destroy();
      replica.onExit().get();
    }
    if (store != null) {
      store.close();
    }
    if (database != null) {
      database.close();
    }
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
        int port = ports.get(i % 2);
        calls.add(
            () -> {
              start.await();
              return HTTP.send(
                  post(port, "/v1/files/uploads/initiate", body),
                  HttpResponse.BodyHandlers.ofString());
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
        uploadIds.add(JSON.readTree(response.body()).get("upload_id").asText());
      }
      assertThat(uploadIds).hasSize(1);
    } finally {
      pool.shutdownNow();
    }

    for (int port : ports) {
      JsonNode page =
          JSON.readTree(get(port, "/v1/files/uploads?status=in_progress&limit=1000").body());
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
    assertThat(get(ports.get(0), "/v1/files/info").statusCode()).isEqualTo(200);
    assertThat(get(ports.get(1), "/v1/files/info").statusCode()).isEqualTo(200);
  }

  private static HttpRequest post(int port, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + API_KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + API_KEY)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until the replica answers an authenticated request: started, migrated, bootstrapped. */
  private static void awaitReady(int port) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      for (Process replica : replicas) {
        assertThat(replica.isAlive()).as("a replica exited during start-up").isTrue();
      }
      try {
        if (get(port, "/v1/files/info").statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // keep polling
      }
      Thread.sleep(200);
    }
    throw new AssertionError("replica on port " + port + " did not become ready");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
