package dev.filesapi.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.events.WebhookReceiver;
import dev.filesapi.support.Api;
import dev.filesapi.support.PackagedApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Webhook deliveries of two packaged replicas sharing one database: a replica killed (SIGKILL)
 * while its POSTs are in flight loses no event, since the survivor sends what it had claimed once
 * the claims' lease runs out; and under load, with no crash, no event is delivered twice. Events
 * come from real API calls (initiate, complete, abort, delete); the receiver is a real HTTP server
 * in this JVM that checks every signature.
 */
@Tag("long") // several packaged replicas
class WebhookReplicasIT {
  private static final String ADMIN_TOKEN = "replicas-admin-token-" + "0".repeat(24);
  private static final String BUCKET = "webhook-replicas";

  /** Both load replicas encrypt the secrets they store with it, and decrypt each other's. */
  private static final String SECRET_KEY = "jHU54nN7AJz6Lf8wP7rHxYPKsX2OEw+dbYi/4HPM2Y4=";

  private static final Duration START = Duration.ofSeconds(180);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedDatabase database;
  private static EmbeddedStore store;

  @BeforeAll
  static void start() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store = EmbeddedStore.inMemory("webhook-access", "webhook-secret").start(0, BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
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

  /** A replica on the shared database and bucket, delivering to the test's receivers. */
  private static PackagedApp replica(String name, String... settings) throws IOException {
    List<String> options = new ArrayList<>();
    options.addAll(PackagedApp.databaseSettings(database));
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.admin.token=" + ADMIN_TOKEN);
    options.add("-Dfiles.webhooks.allow-http=true");
    options.add("-Dfiles.webhooks.allow-private-targets=true");
    options.add("-Dfiles.webhooks.retry-delays=1s");
    options.add("-Dfiles.webhooks.retry-jitter=0");
    options.add("-Dquarkus.shutdown.delay=0S");
    options.addAll(List.of(settings));
    return PackagedApp.start("webhook-replica-" + name + "-", options);
  }

  @Test
  void aReplicaKilledMidDeliveryLosesNoEvent() throws Exception {
    // POSTs may wait 50 s for an answer; a claim is leased for 60 s. The receiver holds every POST
    // open until the first replica is dead, so that replica dies with leases it cannot settle.
    String[] slowReceiver = {"-Dfiles.webhooks.timeout=50s", "-Dfiles.webhooks.lease=60s"};
    try (WebhookReceiver receiver = WebhookReceiver.start();
        PackagedApp doomed = replica("doomed", slowReceiver)) {
      URI first = doomed.awaitReady(START);
      String key = organizationKey(first, "killed-mid-delivery");
      receiver.hold();
      String webhookId = createWebhook(first, key, receiver);
      int events = produceEvents(first, key, "before");

      // Only this replica runs yet: whatever reaches the receiver now, it has claimed.
      Set<String> heldByDoomed =
          receiver
              .await(r -> !r.isEmpty(), Duration.ofSeconds(60), "a POST from the first replica")
              .stream()
              .map(WebhookReceiver.Received::id)
              .collect(Collectors.toSet());

      try (PackagedApp survivor = replica("survivor", slowReceiver)) {
        URI second = survivor.awaitReady(START);
        events += produceEvents(second, key, "after");

        doomed.process().destroyForcibly();
        assertThat(doomed.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now();
        // Had the survivor's start outlasted the lease, it would have sent these again already,
        // and this would not test a dead replica's leases.
        assertThat(receiver.received().stream().filter(r -> heldByDoomed.contains(r.id())))
            .as("POSTs of the killed replica's deliveries before it died")
            .hasSize(heldByDoomed.size());
        receiver.release();

        Set<String> delivered =
            awaitDelivered(second, key, webhookId, events, Duration.ofMinutes(4));
        List<WebhookReceiver.Received> got = receiver.received();
        assertThat(got).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
        assertThat(got.stream().map(WebhookReceiver.Received::id).collect(Collectors.toSet()))
            .isEqualTo(delivered);
        // The killed replica's deliveries arrived again after it died: from the survivor.
        for (String id : heldByDoomed) {
          assertThat(got)
              .as("%s sent again after the kill", id)
              .anySatisfy(
                  r -> {
                    assertThat(r.id()).isEqualTo(id);
                    assertThat(r.at()).isAfter(killed);
                  });
        }
        assertThat(survivor.process().isAlive()).as(survivor.report()).isTrue();
        // No secret-key set: secrets are stored as they are, and each replica says so once.
        assertThat(survivor.log().split("webhook signing secrets are stored unencrypted", -1))
            .hasSize(2);
      }
    }
  }

  @Test
  void twoReplicasUnderLoadDeliverEveryEventExactlyOnce() throws Exception {
    String[] busy = {
      "-Dfiles.webhooks.dispatch-interval=200ms", "-Dfiles.webhooks.secret-key=" + SECRET_KEY
    };
    try (WebhookReceiver receiver = WebhookReceiver.start();
        PackagedApp one = replica("load-one", busy);
        PackagedApp two = replica("load-two", busy)) {
      receiver.otherwise(new WebhookReceiver.Answer(200, Duration.ofMillis(5)));
      List<URI> replicas = List.of(one.awaitReady(START), two.awaitReady(START));
      String key = organizationKey(replicas.get(0), "under-load");
      String webhookId = createWebhook(replicas.get(1), key, receiver);
      assertThat(storedSecret(webhookId))
          .as("the secret in PostgreSQL")
          .startsWith("v1:")
          .doesNotContain(receiver.secret())
          .doesNotContain(receiver.secret().substring("whsec_".length()));

      int pairs = 130;
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<?>> calls = new ArrayList<>();
      try {
        for (int i = 0; i < pairs; i++) {
          URI initiateOn = replicas.get(i % 2);
          URI abortOn = replicas.get((i + 1) % 2);
          String filename = "load-" + i + "-" + UUID.randomUUID() + ".bin";
          calls.add(
              pool.submit(
                  () -> {
                    String uploadId =
                        initiate(initiateOn, key, filename, 10).get("upload_id").asText();
                    call(
                        abortOn,
                        key,
                        "POST",
                        "/v1/files/uploads/" + uploadId + "/abort",
                        null,
                        200);
                    return null;
                  }));
        }
        for (Future<?> call : calls) {
          call.get(5, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      int events = pairs * 2;

      Set<String> delivered =
          awaitDelivered(replicas.get(0), key, webhookId, events, Duration.ofMinutes(4));
      Map<String, Long> postsPerId =
          receiver.received().stream()
              .peek(r -> assertThat(r.signatureValid()).as("signature of %s", r.id()).isTrue())
              .collect(Collectors.groupingBy(WebhookReceiver.Received::id, Collectors.counting()));
      assertThat(postsPerId.keySet()).isEqualTo(delivered).hasSize(events);
      assertThat(postsPerId)
          .as("webhook-ids received more than once")
          .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
      assertThat(
              receiver.received().stream()
                  .map(WebhookReceiver.Received::type)
                  .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())))
          .isEqualTo(Map.of("upload.initiated", (long) pairs, "upload.aborted", (long) pairs));
      assertThat(one.process().isAlive()).as(one.report()).isTrue();
      assertThat(two.process().isAlive()).as(two.report()).isTrue();
    }
  }

  /**
   * Events from real calls: uploads initiated and aborted, one completed with its bytes in the
   * store and then deleted. Returns how many events they made.
   */
  private static int produceEvents(URI base, String key, String tag) throws Exception {
    int aborted = 5;
    for (int i = 0; i < aborted; i++) {
      String uploadId =
          initiate(base, key, tag + "-aborted-" + i + ".bin", 10).get("upload_id").asText();
      call(base, key, "POST", "/v1/files/uploads/" + uploadId + "/abort", null, 200);
    }
    byte[] content = new byte[1024];
    Arrays.fill(content, (byte) 7);
    String filename = tag + "-completed.bin";
    JsonNode upload = initiate(base, key, filename, content.length);
    List<Map<String, Object>> parts = new ArrayList<>();
    for (JsonNode part : upload.get("parts")) {
      int offset = part.get("offset").asInt();
      String etag =
          Api.put(part.get("url").asText(), content, offset, offset + part.get("length").asInt());
      parts.add(Api.part(part.get("part_number").asInt(), etag));
    }
    call(
        base,
        key,
        "POST",
        "/v1/files/uploads/" + upload.get("upload_id").asText() + "/complete",
        JSON.writeValueAsString(Map.of("parts", parts)),
        200);
    call(base, key, "DELETE", "/v1/files/delete/" + filename, null, 200);
    // initiated + aborted each; initiated, completed, deleted
    return aborted * 2 + 3;
  }

  /**
   * Polls the deliveries listing until the endpoint has {@code count} deliveries, every one
   * delivered; returns their event ids. Fails at the deadline with what it saw last.
   */
  private static Set<String> awaitDelivered(
      URI base, String key, String webhookId, int count, Duration within) throws Exception {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      JsonNode page =
          call(base, key, "GET", "/v1/webhooks/" + webhookId + "/deliveries?limit=1000", null, 200);
      Map<String, Long> byStatus = new TreeMap<>();
      Set<String> ids = new HashSet<>();
      for (JsonNode delivery : page.get("deliveries")) {
        byStatus.merge(delivery.get("status").asText(), 1L, Long::sum);
        ids.add(delivery.get("event_id").asText());
      }
      if (ids.size() == count && byStatus.getOrDefault("delivered", 0L) == count) {
        return ids;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "within " + within + ", expected " + count + " delivered; got " + byStatus);
      }
      Thread.sleep(250); // polling interval, not synchronisation: the deadline decides
    }
  }

  private static String storedSecret(String webhookId) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
        PreparedStatement select =
            connection.prepareStatement("select secret from webhook_endpoint where id = ?")) {
      select.setString(1, webhookId);
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1);
      }
    }
  }

  private static String organizationKey(URI base, String name) throws Exception {
    String organization =
        admin(base, "/v1/admin/organizations", Map.of("name", name)).get("id").asText();
    return admin(
            base,
            "/v1/admin/organizations/" + organization + "/api-keys",
            Map.of("name", "webhooks"))
        .get("key")
        .asText();
  }

  private static String createWebhook(URI base, String key, WebhookReceiver receiver)
      throws Exception {
    JsonNode created =
        call(
            base,
            key,
            "POST",
            "/v1/webhooks",
            JSON.writeValueAsString(Map.of("url", receiver.url())),
            201);
    receiver.secret(created.get("secret").asText());
    return created.get("id").asText();
  }

  private static JsonNode initiate(URI base, String key, String filename, int numBytes)
      throws Exception {
    return call(
        base,
        key,
        "POST",
        "/v1/files/uploads/initiate",
        JSON.writeValueAsString(
            Map.of(
                "filename",
                filename,
                "file_type",
                "application/octet-stream",
                "num_bytes",
                numBytes)),
        200);
  }

  private static JsonNode admin(URI base, String path, Map<String, Object> body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body());
  }

  private static JsonNode call(
      URI base, String key, String method, String path, String body, int expectedStatus)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + key);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("%s %s: %s", method, path, response.body())
        .isEqualTo(expectedStatus);
    return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
  }
}
