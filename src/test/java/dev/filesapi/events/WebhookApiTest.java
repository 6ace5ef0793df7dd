package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Managing webhook endpoints with an API key, and their deliveries. The scheduler is off in tests:
 * the dispatcher runs when a test calls it.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class WebhookApiTest {
  private static final String PROBLEM_JSON = "application/problem+json";

  @Inject WebhookDispatcher dispatcher;

  static Response create(String key, Map<String, Object> body) {
    return as(key).body(body).post("/v1/webhooks");
  }

  static JsonPath created(String key, Map<String, Object> body) {
    Response response = create(key, body);
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
    return response.jsonPath();
  }

  private static void problem(Response response, int status, String code, String field) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
    assertThat(response.contentType()).startsWith(PROBLEM_JSON);
    assertThat(response.jsonPath().getString("code")).as(response.asString()).isEqualTo(code);
    if (field != null) {
      assertThat(response.jsonPath().getList("errors.field", String.class)).contains(field);
    }
  }

  @Test
  void createShowsTheSecretOnceAndTheEndpointIsManagedWithTheKey() {
    String key = Tenants.newOrganizationKey("webhooks-crud");
    Response response =
        create(
            key,
            Map.of(
                "url",
                "https://hooks.example.com/files",
                "description",
                "ingest",
                "event_types",
                List.of("file.deleted", "upload.completed", "file.deleted")));
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
    JsonPath webhook = response.jsonPath();
    String id = webhook.getString("id");
    assertThat(id).startsWith("whk_");
    assertThat(response.header("Location")).endsWith("/v1/webhooks/" + id);
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    assertThat(webhook.getString("secret")).startsWith("whsec_");
    // Deduplicated, in the catalogue's order.
    assertThat(webhook.getList("event_types")).containsExactly("upload.completed", "file.deleted");
    assertThat(webhook.getBoolean("enabled")).isTrue();

    as(key)
        .get("/v1/webhooks/{id}", id)
        .then()
        .statusCode(200)
        .body("url", equalTo("https://hooks.example.com/files"))
        .body("description", equalTo("ingest"))
        .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("secret")));
    as(key)
        .get("/v1/webhooks")
        .then()
        .statusCode(200)
        .body("webhooks.size()", equalTo(1))
        .body("webhooks[0].id", equalTo(id))
        .body("webhooks[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("secret")));

    // PATCH: absent fields stay, null event_types means every type, null description removes it.
    Map<String, Object> change = new HashMap<>();
    change.put("event_types", null);
    change.put("description", null);
    as(key)
        .body(change)
        .patch("/v1/webhooks/{id}", id)
        .then()
        .statusCode(200)
        .body("url", equalTo("https://hooks.example.com/files"))
        .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("event_types")))
        .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("description")));
    as(key)
        .body(
            Map.of("url", "https://hooks.example.com/v2", "event_types", List.of("file.replaced")))
        .patch("/v1/webhooks/{id}", id)
        .then()
        .statusCode(200)
        .body("url", equalTo("https://hooks.example.com/v2"))
        .body("event_types", equalTo(List.of("file.replaced")));

    String rotated =
        as(key)
            .post("/v1/webhooks/{id}/rotate-secret", id)
            .then()
            .statusCode(200)
            .body("secret", startsWith("whsec_"))
            .extract()
            .path("secret");
    assertThat(rotated).isNotEqualTo(webhook.getString("secret"));

    // Another organization sees none of it.
    String other = Tenants.newOrganizationKey("webhooks-crud-other");
    problem(as(other).get("/v1/webhooks/{id}", id), 404, "not_found", null);
    problem(as(other).delete("/v1/webhooks/{id}", id), 404, "not_found", null);
    problem(as(other).post("/v1/webhooks/{id}/test", id), 404, "not_found", null);
    as(other).get("/v1/webhooks").then().statusCode(200).body("webhooks.size()", equalTo(0));
    given().get("/v1/webhooks").then().statusCode(401);

    as(key).delete("/v1/webhooks/{id}", id).then().statusCode(204);
    problem(as(key).get("/v1/webhooks/{id}", id), 404, "not_found", null);
  }

  @Test
  void badEndpointsAreRefusedWithTheField() {
    String key = Tenants.newOrganizationKey("webhooks-validation");
    problem(create(key, Map.of()), 400, "validation_failed", "url");
    problem(create(key, Map.of("url", "not a url")), 400, "validation_failed", "url");
    problem(create(key, Map.of("url", "ftp://example.com/x")), 400, "validation_failed", "url");
    problem(create(key, Map.of("url", "/relative/path")), 400, "validation_failed", "url");
    problem(
        create(key, Map.of("url", "https://user:secret@example.com/x")),
        400,
        "validation_failed",
        "url");
    problem(
        create(key, Map.of("url", "https://example.com/#frag")), 400, "validation_failed", "url");
    problem(
        create(key, Map.of("url", "https://example.com/" + "x".repeat(2100))),
        400,
        "validation_failed",
        "url");
    problem(
        create(key, Map.of("url", "https://example.com/", "event_types", List.of())),
        400,
        "validation_failed",
        "event_types");
    problem(
        create(
            key,
            Map.of("url", "https://example.com/", "event_types", List.of("upload.completed", "x"))),
        400,
        "validation_failed",
        "event_types[1]");
    problem(
        create(key, Map.of("url", "https://example.com/", "event_types", List.of("webhook.test"))),
        400,
        "validation_failed",
        "event_types[0]");
    problem(
        create(key, Map.of("url", "https://example.com/", "description", "a\nb")),
        400,
        "validation_failed",
        "description");
    problem(
        create(key, Map.of("url", "https://example.com/", "enabled", "yes")),
        400,
        "validation_failed",
        "enabled");
    problem(
        as(key).get("/v1/webhooks/{id}/deliveries?status=lost", "whk_x"),
        400,
        "validation_failed",
        "status");
    // IPv4 literals parsers disagree on are refused even where private targets are allowed (as in
    // the test profile): http://0177.0.0.1/ is 127.0.0.1 to curl and 177.0.0.1 to Java.
    for (String url :
        List.of("http://0177.0.0.1:8080/x", "http://0x7f.1/x", "http://2130706433/x")) {
      problem(create(key, Map.of("url", url)), 400, "webhook_url_refused", "url");
    }
    as(key).get("/v1/webhooks").then().statusCode(200).body("webhooks.size()", equalTo(0));
  }

  @Test
  void anOrganizationHasAtMostTwentyEndpoints() {
    String key = Tenants.newOrganizationKey("webhooks-limit");
    for (int i = 0; i < 20; i++) {
      created(key, Map.of("url", "https://hooks.example.com/" + i));
    }
    problem(
        create(key, Map.of("url", "https://hooks.example.com/21")), 409, "too_many_webhooks", null);
  }

  @Test
  void aTestEventIsDeliveredSignedListedAndRedelivered() {
    String key = Tenants.newOrganizationKey("webhooks-test-event");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      JsonPath webhook =
          created(key, Map.of("url", receiver.url(), "event_types", List.of("file.deleted")));
      String id = webhook.getString("id");
      receiver.secret(webhook.getString("secret"));

      Response queued = as(key).post("/v1/webhooks/{id}/test", id);
      assertThat(queued.statusCode()).as(queued.asString()).isEqualTo(202);
      String eventId = queued.jsonPath().getString("event_id");
      assertThat(eventId).startsWith("evt_");
      assertThat(queued.jsonPath().getString("status")).isEqualTo("pending");
      assertThat(queued.jsonPath().getString("event_type")).isEqualTo("webhook.test");

      dispatcher.dispatchDue();
      List<WebhookReceiver.Received> got =
          receiver.await(r -> r.size() == 1, Duration.ofSeconds(20), "the test event");
      WebhookReceiver.Received test = got.get(0);
      assertThat(test.signatureValid()).as("signature %s", test.signature()).isTrue();
      assertThat(test.id()).isEqualTo(eventId);
      assertThat(test.contentType()).isEqualTo("application/json");
      assertThat(test.type()).isEqualTo("webhook.test");
      assertThat(test.json().path("data").path("webhook_id").asText()).isEqualTo(id);
      assertThat(test.json().path("id").asText()).isEqualTo(eventId);

      JsonPath page =
          as(key)
              .get("/v1/webhooks/{id}/deliveries", id)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertThat(page.getList("deliveries")).hasSize(1);
      assertThat(page.getString("deliveries[0].status")).isEqualTo("delivered");
      assertThat(page.getInt("deliveries[0].num_attempts")).isEqualTo(1);
      assertThat(page.getInt("deliveries[0].attempts[0].response_status")).isEqualTo(200);
      assertThat(page.getString("deliveries[0].payload.type")).isEqualTo("webhook.test");
      assertThat(page.getString("deliveries[0].delivered_at")).isNotNull();

      // Redelivered with the same id, after the secret was rotated: signed with the new one.
      String rotated =
          as(key).post("/v1/webhooks/{id}/rotate-secret", id).then().extract().path("secret");
      receiver.secret(rotated);
      Response again = as(key).post("/v1/webhooks/{id}/deliveries/{event}/redeliver", id, eventId);
      assertThat(again.statusCode()).as(again.asString()).isEqualTo(202);
      assertThat(again.jsonPath().getString("status")).isEqualTo("pending");
      dispatcher.dispatchDue();
      got = receiver.await(r -> r.size() == 2, Duration.ofSeconds(20), "the redelivery");
      assertThat(got.get(1).id()).isEqualTo(eventId);
      assertThat(got.get(1).body()).isEqualTo(test.body());
      assertThat(got.get(1).signatureValid()).isTrue();
      as(key)
          .get("/v1/webhooks/{id}/deliveries?status=delivered", id)
          .then()
          .statusCode(200)
          .body("deliveries[0].attempts.size()", equalTo(2))
          .body("deliveries[0].attempts[1].number", equalTo(2));
      as(key)
          .get("/v1/webhooks/{id}/deliveries?status=pending", id)
          .then()
          .statusCode(200)
          .body("deliveries.size()", equalTo(0));
      problem(
          as(key).post("/v1/webhooks/{id}/deliveries/{event}/redeliver", id, "evt_nope"),
          404,
          "not_found",
          null);

      // A disabled endpoint is sent nothing: test and redeliver are refused.
      as(key)
          .body(Map.of("enabled", false))
          .patch("/v1/webhooks/{id}", id)
          .then()
          .statusCode(200)
          .body("enabled", equalTo(false));
      problem(as(key).post("/v1/webhooks/{id}/test", id), 409, "webhook_disabled", null);
      problem(
          as(key).post("/v1/webhooks/{id}/deliveries/{event}/redeliver", id, eventId),
          409,
          "webhook_disabled",
          null);
    }
  }

  @Test
  void deliveriesArePagedNewestFirst() {
    String key = Tenants.newOrganizationKey("webhooks-paging");
    String id = created(key, Map.of("url", "https://hooks.example.com/p")).getString("id");
    for (int i = 0; i < 5; i++) {
      as(key).post("/v1/webhooks/{id}/test", id).then().statusCode(202);
    }
    JsonPath first =
        as(key)
            .get("/v1/webhooks/{id}/deliveries?limit=3", id)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(first.getList("deliveries")).hasSize(3);
    String cursor = first.getString("next_cursor");
    assertThat(cursor).isNotNull();
    JsonPath second =
        as(key)
            .get("/v1/webhooks/{id}/deliveries?limit=3&cursor=" + cursor, id)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(second.getList("deliveries")).hasSize(2);
    assertThat(second.getString("next_cursor")).isNull();
    List<String> all =
        new java.util.ArrayList<>(first.getList("deliveries.event_id", String.class));
    all.addAll(second.getList("deliveries.event_id", String.class));
    assertThat(all).doesNotHaveDuplicates().hasSize(5);
    problem(
        as(key).get("/v1/webhooks/{id}/deliveries?cursor=bogus", id), 400, "invalid_cursor", null);
  }

  @Test
  void metricsCountAttemptsAndTellThePendingAge() {
    String key = Tenants.newOrganizationKey("webhooks-metrics");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      JsonPath webhook = created(key, Map.of("url", receiver.url()));
      receiver.secret(webhook.getString("secret"));
      as(key).post("/v1/webhooks/{id}/test", webhook.getString("id")).then().statusCode(202);
      dispatcher.dispatchDue();
      receiver.await(r -> r.size() == 1, Duration.ofSeconds(20), "the test event");
    }
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .contains("files_webhooks_attempts_total{outcome=\"delivered\"}")
        .contains("files_webhooks_deliveries_total{outcome=\"delivered\"}")
        .contains("files_webhooks_delivery_latency_seconds_count")
        .contains("files_webhooks_attempt_duration_seconds_count")
        .contains("files_webhooks_pending_oldest_age_seconds");
  }
}
