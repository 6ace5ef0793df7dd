package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import dev.filesapi.upload.Janitor;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Deliveries end to end, with the scheduler's dispatcher running (every second) and, where a test
 * needs finer timing, a second one triggered by the test at the same time: every event type arrives
 * signed, retries follow the schedule, no delivery is sent twice, an endpoint failing for days is
 * disabled. The retry schedule is shortened to milliseconds.
 */
@QuarkusTest
@TestProfile(WebhookDeliveryTest.Dispatching.class)
@WithTestResource(FilesTestResource.class)
class WebhookDeliveryTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final List<Duration> DELAYS =
      List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));

  public static class Dispatching implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.scheduler.enabled", "true",
          "files.webhooks.retry-delays", "100ms,200ms,400ms",
          "files.webhooks.retry-for", "10m",
          "files.webhooks.retry-jitter", "0",
          "files.webhooks.timeout", "500ms");
    }
  }

  @Inject WebhookDispatcher dispatcher;
  @Inject Janitor janitor;
  @Inject EntityManager em;

  private static JsonPath webhook(String key, WebhookReceiver receiver) {
    JsonPath created = WebhookApiTest.created(key, Map.of("url", receiver.url()));
    receiver.secret(created.getString("secret"));
    return created;
  }

  /** Runs the test's own dispatcher until the condition holds or the deadline passes. */
  private void dispatchUntil(BooleanSupplier done, Duration within, String what) {
    Instant deadline = Instant.now().plus(within);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("within " + within + ": " + what);
      }
      dispatcher.dispatchDue();
      try {
        Thread.sleep(10); // polling interval; the deadline decides
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private void sql(String statement, Object... parameters) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              var query = em.createNativeQuery(statement);
              for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
              }
              query.executeUpdate();
            });
  }

  @Test
  void everyEventTypeArrivesSignedOnce() throws Exception {
    String key = Tenants.newOrganizationKey("deliveries-every-type");
    String organizationId = Tenants.organizationOf(key);
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      webhook(key, receiver);
      byte[] content = new byte[2000];
      new Random(3).nextBytes(content);

      JsonPath upload =
          Api.initiate(key, "a.bin", content.length, false).then().extract().jsonPath();
      as(key)
          .body(Map.of("parts", Api.putAll(upload.getList("parts"), content)))
          .post("/v1/files/uploads/{id}/complete", upload.getString("upload_id"))
          .then()
          .statusCode(200);
      assertThat(
              Api.local(key)
                  .simpleUpload("a.bin", "text/plain", "again".getBytes(StandardCharsets.UTF_8))
                  .statusCode())
          .isEqualTo(200);
      as(key).delete("/v1/files/delete/{id}", "a.bin").then().statusCode(200);
      String aborted = Api.initiate(key, "b.bin", 10, false).then().extract().path("upload_id");
      as(key).post("/v1/files/uploads/{id}/abort", aborted).then().statusCode(200);
      String expiring = Api.initiate(key, "c.bin", 10, false).then().extract().path("upload_id");
      String failing = Api.initiate(key, "d.bin", 10, false).then().extract().path("upload_id");
      Instant past = Instant.now().minus(Duration.ofHours(1));
      sql("update upload set expires_at = ?1 where id = ?2", past, expiring);
      sql("update upload set status = 'completing', updated_at = ?1 where id = ?2", past, failing);
      janitor.expireDue(Instant.now());
      janitor.repairStuck(Instant.now());

      // The scheduler's dispatcher alone delivers them.
      List<WebhookReceiver.Received> got =
          receiver.await(r -> r.size() >= 11, Duration.ofSeconds(60), "11 events");
      assertThat(got).hasSize(11);
      assertThat(got.stream().map(WebhookReceiver.Received::type).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(
              "upload.initiated",
              "upload.completed",
              "upload.aborted",
              "upload.expired",
              "upload.failed",
              "file.deleted",
              "file.replaced");
      assertThat(got.stream().filter(r -> r.type().equals("upload.initiated"))).hasSize(4);
      long now = Instant.now().getEpochSecond();
      for (WebhookReceiver.Received received : got) {
        assertThat(received.signatureValid()).as("signature of %s", received.body()).isTrue();
        assertThat(received.id()).isEqualTo(received.json().path("id").asText());
        assertThat(received.json().path("organization_id").asText()).isEqualTo(organizationId);
        assertThat(Long.parseLong(received.timestamp())).isBetween(now - 300, now + 5);
        assertThat(received.body()).doesNotContain("X-Amz").doesNotContain("http");
      }
      assertThat(got.stream().map(WebhookReceiver.Received::id).distinct()).hasSize(11);
    }
  }

  @Test
  void retriesFollowTheScheduleAfter500sAndATimeout() {
    String key = Tenants.newOrganizationKey("deliveries-retries");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.script(
          new WebhookReceiver.Answer(500, Duration.ZERO),
          new WebhookReceiver.Answer(503, Duration.ZERO),
          new WebhookReceiver.Answer(200, TIMEOUT.multipliedBy(3)));
      String id = webhook(key, receiver).getString("id");
      String eventId =
          as(key)
              .post("/v1/webhooks/{id}/test", id)
              .then()
              .statusCode(202)
              .extract()
              .path("event_id");

      dispatchUntil(() -> receiver.received().size() >= 4, Duration.ofSeconds(60), "4 attempts");
      List<WebhookReceiver.Received> got = receiver.received();
      assertThat(got).hasSize(4).allSatisfy(r -> assertThat(r.id()).isEqualTo(eventId));
      assertThat(got).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
      // Each retry waited at least its delay after the attempt before it ended.
      assertThat(Duration.between(got.get(0).at(), got.get(1).at()))
          .isGreaterThanOrEqualTo(DELAYS.get(0));
      assertThat(Duration.between(got.get(1).at(), got.get(2).at()))
          .isGreaterThanOrEqualTo(DELAYS.get(1));
      // The service's timeout starts when it sends, a little before the receiver notes the
      // arrival: 100 ms of slack (without the timeout the gap would be the 400 ms delay alone).
      assertThat(Duration.between(got.get(2).at(), got.get(3).at()))
          .isGreaterThanOrEqualTo(TIMEOUT.plus(DELAYS.get(2)).minusMillis(100));

      JsonPath delivery =
          as(key)
              .get("/v1/webhooks/{id}/deliveries", id)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertThat(delivery.getString("deliveries[0].status")).isEqualTo("delivered");
      assertThat(delivery.getInt("deliveries[0].num_attempts")).isEqualTo(4);
      List<Map<String, Object>> attempts = delivery.getList("deliveries[0].attempts");
      assertThat(attempts)
          .extracting(attempt -> attempt.get("response_status"))
          .containsExactly(500, 503, null, 200);
      assertThat((String) attempts.get(2).get("error")).contains("no answer within 500 ms");
      // Failing for seconds, the endpoint stays enabled.
      as(key).get("/v1/webhooks/{id}", id).then().body("enabled", org.hamcrest.Matchers.is(true));
    }
  }

  @Test
  void dispatchersRunningTogetherSendEachDeliveryOnce() throws Exception {
    String key = Tenants.newOrganizationKey("deliveries-concurrent");
    int events = 40;
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.otherwise(new WebhookReceiver.Answer(200, Duration.ofMillis(20)));
      String id = webhook(key, receiver).getString("id");
      for (int i = 0; i < events; i++) {
        as(key).post("/v1/webhooks/{id}/test", id).then().statusCode(202);
      }
      // Three manual dispatchers race the scheduler's until every delivery is settled.
      BooleanSupplier allDelivered =
          () ->
              as(key)
                      .get("/v1/webhooks/{id}/deliveries?status=delivered&limit=1000", id)
                      .then()
                      .extract()
                      .jsonPath()
                      .getList("deliveries")
                      .size()
                  == events;
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<?>> racing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          racing.add(
              pool.submit(
                  () -> dispatchUntil(allDelivered, Duration.ofSeconds(90), "all delivered")));
        }
        for (Future<?> each : racing) {
          each.get();
        }
      } finally {
        pool.shutdownNow();
      }
      List<WebhookReceiver.Received> got = receiver.received();
      Set<String> ids = new HashSet<>();
      for (WebhookReceiver.Received received : got) {
        assertThat(ids.add(received.id())).as("%s sent twice", received.id()).isTrue();
      }
      assertThat(ids).hasSize(events);
    }
  }

  @Test
  void anEndpointFailingForDaysIsDisabled() {
    String key = Tenants.newOrganizationKey("deliveries-disable");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.otherwise(new WebhookReceiver.Answer(500, Duration.ZERO));
      String id = webhook(key, receiver).getString("id");
      // It has been failing for four days: the next failure is one too many.
      sql(
          "update webhook_endpoint set consecutive_failures = 9, failing_since = ?1 where id = ?2",
          Instant.now().minus(Duration.ofDays(4)),
          id);
      String eventId =
          as(key)
              .post("/v1/webhooks/{id}/test", id)
              .then()
              .statusCode(202)
              .extract()
              .path("event_id");

      dispatchUntil(
          () ->
              !as(key)
                  .get("/v1/webhooks/{id}", id)
                  .then()
                  .extract()
                  .jsonPath()
                  .getBoolean("enabled"),
          Duration.ofSeconds(30),
          "the endpoint disabled");
      JsonPath endpoint = as(key).get("/v1/webhooks/{id}", id).then().extract().jsonPath();
      assertThat(endpoint.getString("disabled_reason"))
          .startsWith("every attempt failed since")
          .contains("(10 attempts)");
      as(key)
          .get("/v1/webhooks/{id}/deliveries", id)
          .then()
          .body("deliveries[0].event_id", org.hamcrest.Matchers.equalTo(eventId))
          .body("deliveries[0].status", org.hamcrest.Matchers.equalTo("failed"));
      as(key)
          .post("/v1/webhooks/{id}/test", id)
          .then()
          .statusCode(409)
          .body("code", org.hamcrest.Matchers.equalTo("webhook_disabled"));

      // Enabled again, its failures are forgotten and it receives events.
      receiver.otherwise(new WebhookReceiver.Answer(200, Duration.ZERO));
      as(key)
          .body(Map.of("enabled", true))
          .patch("/v1/webhooks/{id}", id)
          .then()
          .statusCode(200)
          .body("enabled", org.hamcrest.Matchers.is(true))
          .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("disabled_reason")));
      int before = receiver.received().size();
      as(key).post("/v1/webhooks/{id}/test", id).then().statusCode(202);
      dispatchUntil(
          () -> receiver.received().size() > before, Duration.ofSeconds(30), "a delivery");
    }
  }
}
