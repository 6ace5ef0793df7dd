package dev.filesapi.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.events.WebhookReceiver;
import dev.filesapi.support.Api;
import dev.filesapi.support.PackagedApp;
import dev.filesapi.support.PgBouncerProcess;
import dev.filesapi.support.PostgresProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Issue 26: two replicas of the packaged jar, started together on an empty database, reach
 * PostgreSQL only through a transaction-pooling PgBouncer with three server connections, configured
 * with the pooler's plain JDBC URL and nothing else. Migrations (Flyway's lock), the
 * find-or-create, the streamed listing (a cursor), webhooks with secrets encrypted at rest
 * (re-sealed at start), the dispatcher's and janitor's SKIP LOCKED claims all run through it; none
 * may fail.
 */
@Tag("long")
class PgBouncerIT {
  private static final String API_KEY = "fk_live_pgbouncer00000000000000000000000000000";
  private static final String BUCKET = "pooled";
  private static final String DATABASE = "files";
  private static final String SECRET_KEY = "VLIQyfYTDVO3ZMf/hnaQ6Qxnm5/IUhjup2wvcuUPevc=";
  private static final String PREVIOUS_KEY = "8LyV2N8Rw2Z2yAAHdDZxqgZxXOekhzuOI3s62UNehN0=";

  /** Short, so that the janitor's expiry is seen within the test. */
  private static final Duration UPLOAD_TTL = Duration.ofSeconds(20);

  private static PostgresProcess postgres;
  private static PgBouncerProcess bouncer;
  private static EmbeddedStore store;
  private static WebhookReceiver receiver;
  private static final List<PackagedApp> replicas = new ArrayList<>();
  private static final List<Api> calls = new ArrayList<>();
  private static final List<String> baseOptions = new ArrayList<>();

  private static List<String> withKeys(String secretKey, String... more) {
    List<String> options = new ArrayList<>(baseOptions);
    options.add("-Dfiles.webhooks.secret-key=" + secretKey);
    options.addAll(List.of(more));
    return options;
  }

  @BeforeAll
  static void twoReplicasBehindPgBouncer() throws Exception {
    assumeTrue(PostgresProcess.available(), "PostgreSQL 15 binaries are not installed");
    assumeTrue(
        PgBouncerProcess.available(),
        "pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run installs it)");
    postgres = PostgresProcess.start("pooled-pg");
    postgres.createDatabase(DATABASE);
    bouncer = PgBouncerProcess.start(postgres, DATABASE, 3);
    store = EmbeddedStore.inMemory("pooled-access", "pooled-secret").start(0, BUCKET);
    receiver = WebhookReceiver.start();
    List<String> options = new ArrayList<>();
    options.add("-Dquarkus.datasource.jdbc.url=" + bouncer.jdbcUrl());
    options.add("-Dquarkus.datasource.username=" + PostgresProcess.USER);
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
    options.add("-Dfiles.webhooks.allow-http=true");
    options.add("-Dfiles.webhooks.allow-private-targets=true");
    options.add("-Dfiles.webhooks.dispatch-interval=200ms");
    options.add("-Dfiles.upload.ttl=" + UPLOAD_TTL.toSeconds() + "s");
    options.add("-Dfiles.janitor.interval=1s");
    options.add("-Dquarkus.log.console.json.enabled=false");
    baseOptions.addAll(options);
    for (int i = 0; i < 2; i++) {
      replicas.add(
          PackagedApp.start(
              "pgbouncer-replica-" + i + "-",
              withKeys(SECRET_KEY, "-Dfiles.webhooks.previous-secret-keys=" + PREVIOUS_KEY)));
    }
    for (PackagedApp replica : replicas) {
      URI base;
      try {
        base = replica.awaitReady(Duration.ofSeconds(120));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n--- pgbouncer ---\n" + bouncer.log(), e);
      }
      calls.add(Api.at(base, API_KEY));
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (PackagedApp replica : replicas) {
      replica.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (store != null) {
      store.close();
    }
    if (bouncer != null) {
      bouncer.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void bothReplicasMigratedOnceThroughThePooler() throws Exception {
    try (var connection = postgres.connect(DATABASE);
        var statement = connection.createStatement();
        var rows =
            statement.executeQuery(
                "select count(*), count(distinct version), bool_and(success)"
                    + " from flyway_schema_history where version is not null")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).as("each migration applied once").isEqualTo(rows.getLong(2));
      assertThat(rows.getBoolean(3)).isTrue();
    }
    for (PackagedApp replica : replicas) {
      assertThat(replica.log()).doesNotContain("prepared statement");
    }
    // Two pools of up to 20 connections each, yet PostgreSQL sees only PgBouncer's 3.
    try (var connection = postgres.connect(DATABASE);
        var statement = connection.createStatement();
        var rows =
            statement.executeQuery(
                "select count(*) from pg_stat_activity where datname = current_database()"
                    + " and backend_type = 'client backend' and pid <> pg_backend_pid()")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isBetween(1, 3);
    }
  }

  @Test
  void aWholeUploadThroughEitherReplica() throws Exception {
    byte[] content = new byte[1024 * 1024 + 17];
    new Random(26).nextBytes(content);
    String name = "pooled-" + UUID.randomUUID() + ".bin";
    Api first = calls.get(0);
    Api second = calls.get(1);
    // Far more than pgjdbc's default prepareThreshold (5) executions of each statement.
    for (int round = 0; round < 10; round++) {
      JsonNode initiated = first.initiate(name, content.length, true);
      String uploadId = initiated.get("upload_id").asText();
      assertThat(initiated.get("is_resume").asBoolean()).isEqualTo(round > 0);
      if (round < 9) {
        second.expect(200, "GET", "/v1/files/uploads/" + uploadId, null);
        continue;
      }
      String token = Api.put(initiated.get("parts").get(0).get("url").asText(), content);
      second.expect(
          200,
          "POST",
          "/v1/files/uploads/" + uploadId + "/complete",
          Map.of("parts", List.of(Map.of("part_number", 0, "part_token", token))));
    }
    JsonNode metadata = first.expect(200, "GET", "/v1/files/metadata/" + name, null);
    assertThat(metadata.get("num_bytes").asLong()).isEqualTo(content.length);
    HttpResponse<String> download = second.send("GET", "/v1/files/download/" + name, null);
    assertThat(download.statusCode()).isEqualTo(302);
    HttpResponse<byte[]> fetched = Api.get(download.headers().firstValue("Location").orElseThrow());
    assertThat(fetched.statusCode()).as("presigned GET").isEqualTo(200);
    assertThat(fetched.body()).isEqualTo(content);
  }

  @Test
  void concurrentResumingInitiatesOfOneNameShareOneUpload() throws Exception {
    String name = "raced-" + UUID.randomUUID();
    String body =
        Api.JSON.writeValueAsString(
            Map.of(
                "filename",
                name,
                "file_type",
                "application/octet-stream",
                "num_bytes",
                1_048_576,
                "resume_if_started",
                true));
    ExecutorService pool = Executors.newFixedThreadPool(32);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Api replica = calls.get(i % 2);
        Callable<HttpResponse<String>> call =
            () -> {
              start.await();
              return replica.send("POST", "/v1/files/uploads/initiate", body);
            };
        answers.add(pool.submit(call));
      }
      start.countDown();
      Set<String> uploadIds = new HashSet<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        uploadIds.add(Api.JSON.readTree(response.body()).get("upload_id").asText());
      }
      assertThat(uploadIds).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theStreamedListingReadsPastOneFetchThroughItsCursor() throws Exception {
    String type = "application/x-pooled-" + UUID.randomUUID().toString().substring(0, 8);
    int count = 520; // more than FileListing's fetch size (500): the cursor is read twice
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> uploads = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = "listed-" + i + "-" + UUID.randomUUID() + ".txt";
        Api replica = calls.get(i % 2);
        uploads.add(
            pool.submit(
                () ->
                    replica
                        .simpleUpload(name, type, name.getBytes(StandardCharsets.UTF_8))
                        .statusCode()));
      }
      for (Future<Integer> upload : uploads) {
        assertThat(upload.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    for (Api replica : calls) {
      JsonNode all =
          replica.expect(
              200,
              "GET",
              "/v1/files/metadata?file_type=" + java.net.URLEncoder.encode(type, "UTF-8"),
              null);
      assertThat(all.size()).isEqualTo(count);
    }
  }

  /**
   * A secret sealed with the previous key (by a replica that had it as its current key) is
   * re-sealed by the next replica that starts with the new key, through the pooler; the running
   * replicas then deliver, signed with that secret.
   */
  @Test
  void aSecretSealedWithThePreviousKeyIsResealedAtStartAndDelivered() throws Exception {
    JsonNode created;
    try (PackagedApp oldKey = PackagedApp.start("pgbouncer-old-key-", withKeys(PREVIOUS_KEY))) {
      Api old = Api.at(oldKey.awaitReady(Duration.ofSeconds(120)), API_KEY);
      created = old.expect(201, "POST", "/v1/webhooks", Map.of("url", receiver.url()));
    }
    receiver.secret(created.get("secret").asText());
    String webhookId = created.get("id").asText();
    String sealedBefore = storedSecret(webhookId);
    try (PackagedApp rotated =
        PackagedApp.start(
            "pgbouncer-rotated-",
            withKeys(SECRET_KEY, "-Dfiles.webhooks.previous-secret-keys=" + PREVIOUS_KEY))) {
      rotated.awaitReady(Duration.ofSeconds(120));
      assertThat(rotated.log()).contains("1 webhook secrets sealed with key");
    }
    String sealedAfter = storedSecret(webhookId);
    assertThat(sealedAfter)
        .isNotEqualTo(sealedBefore)
        .doesNotContain(receiver.secret().substring("whsec_".length()));

    String name = "hooked-" + UUID.randomUUID() + ".txt";
    HttpResponse<String> upload =
        calls.get(1).simpleUpload(name, "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
    List<WebhookReceiver.Received> got =
        receiver.await(
            received -> received.stream().anyMatch(r -> r.body().contains(name)),
            Duration.ofSeconds(30),
            "an event naming " + name);
    assertThat(got.stream().filter(r -> r.body().contains(name)))
        .allMatch(WebhookReceiver.Received::signatureValid);
  }

  private static String storedSecret(String webhookId) throws Exception {
    try (var connection = postgres.connect(DATABASE);
        var select =
            connection.prepareStatement("select secret from webhook_endpoint where id = ?")) {
      select.setString(1, webhookId);
      try (var row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1);
      }
    }
  }

  @Test
  void theJanitorExpiresAnAbandonedUpload() throws Exception {
    String uploadId =
        calls
            .get(0)
            .initiate("abandoned-" + UUID.randomUUID(), 1000, false)
            .get("upload_id")
            .asText();
    Instant deadline = Instant.now().plus(UPLOAD_TTL).plusSeconds(60);
    String status = null;
    while (Instant.now().isBefore(deadline)) {
      status =
          calls
              .get(1)
              .expect(200, "GET", "/v1/files/uploads/" + uploadId, null)
              .get("status")
              .asText();
      if (status.equals("expired")) {
        return;
      }
      Thread.sleep(500); // polling interval, not synchronisation: the deadline decides
    }
    throw new AssertionError("the upload is still " + status + " after its TTL and a minute");
  }
}
