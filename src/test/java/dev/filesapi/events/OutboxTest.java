package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import dev.filesapi.upload.Janitor;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionalException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox: every state change writes its event in its own transaction, and a
 * change that does not commit writes none. Each test uses an organization of its own and reads the
 * outbox table.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class OutboxTest {
  private static final int SIZE = 3000;

  @Inject Events events;
  @Inject Janitor janitor;
  @Inject EntityManager em;

  private static JsonPath initiate(String key, String name) {
    return Api.initiate(key, name, SIZE, false).then().statusCode(200).extract().jsonPath();
  }

  private static byte[] content() {
    byte[] bytes = new byte[SIZE];
    new Random(19).nextBytes(bytes);
    return bytes;
  }

  /** Initiates, PUTs and completes a one-part upload; returns the upload id. */
  private static String uploadWhole(String key, String name) {
    JsonPath upload = initiate(key, name);
    String uploadId = upload.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), content());
    as(key)
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/complete", uploadId)
        .then()
        .statusCode(200);
    return uploadId;
  }

  @Test
  void eachLifecycleStepWritesItsEvent() throws Exception {
    String key = Tenants.newOrganizationKey("outbox-lifecycle");
    String organizationId = Tenants.organizationOf(key);

    String uploadId = uploadWhole(key, "report.pdf");
    // The same name again through the simple upload: completed, and the first instance replaced.
    assertThat(
            Api.local(key)
                .simpleUpload(
                    "report.pdf", "application/pdf", "second".getBytes(StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(200);
    as(key).delete("/v1/files/delete/{id}", "report.pdf").then().statusCode(200);
    String aborted = initiate(key, "aborted.bin").getString("upload_id");
    as(key).post("/v1/files/uploads/{id}/abort", aborted).then().statusCode(200);
    // Aborting again changes nothing, and announces nothing.
    as(key).post("/v1/files/uploads/{id}/abort", aborted).then().statusCode(200);

    assertThat(OutboxRows.types(organizationId))
        .containsExactly(
            "upload.initiated",
            "upload.completed",
            "upload.completed",
            "file.replaced",
            "file.deleted",
            "upload.initiated",
            "upload.aborted");

    List<JsonNode> all = OutboxRows.events(organizationId);
    JsonNode completed = all.get(1);
    assertThat(completed.path("id").asText()).startsWith("evt_");
    assertThat(completed.path("organization_id").asText()).isEqualTo(organizationId);
    assertThat(Instant.parse(completed.path("timestamp").asText()))
        .isBetween(Instant.now().minus(Duration.ofMinutes(5)), Instant.now());
    JsonNode data = completed.path("data");
    assertThat(data.path("upload").path("upload_id").asText()).isEqualTo(uploadId);
    assertThat(data.path("upload").path("status").asText()).isEqualTo("completed");
    assertThat(data.path("file").path("file_id").asText()).isEqualTo("report.pdf");
    assertThat(data.path("file").path("num_bytes").asLong()).isEqualTo(SIZE);
    assertThat(data.path("file").path("upload_id").asText()).isEqualTo(uploadId);
    assertThat(data.path("file").path("file_status").asText()).isEqualTo("FILE_STATUS_REGISTERED");

    JsonNode simple = all.get(2).path("data");
    assertThat(simple.has("upload")).as("a simple upload has no upload").isFalse();
    assertThat(simple.path("file").path("num_bytes").asLong()).isEqualTo(6);

    JsonNode replaced = all.get(3).path("data");
    assertThat(replaced.path("file").path("file_uid").asText())
        .isEqualTo(simple.path("file").path("file_uid").asText());
    assertThat(replaced.path("replaced_file").path("file_uid").asText())
        .isEqualTo(data.path("file").path("file_uid").asText());
    assertThat(all.get(4).path("data").path("file").path("file_uid").asText())
        .isEqualTo(simple.path("file").path("file_uid").asText());
    assertThat(all.get(6).path("data").path("upload").path("upload_id").asText())
        .isEqualTo(aborted);

    for (JsonNode event : all) {
      String body = event.toString();
      assertThat(body)
          .as("no URL, signature, storage key or key in %s", body)
          .doesNotContain("http")
          .doesNotContain("X-Amz")
          .doesNotContain("orgs/")
          .doesNotContain(key);
    }
  }

  @Test
  void theJanitorsExpiryAndFailureAreEvents() {
    String key = Tenants.newOrganizationKey("outbox-janitor");
    String organizationId = Tenants.organizationOf(key);
    String expiring = initiate(key, "expiring.bin").getString("upload_id");
    String failing = initiate(key, "failing.bin").getString("upload_id");
    Instant past = Instant.now().minus(Duration.ofHours(1));
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              em.createNativeQuery("update upload set expires_at = ?1 where id = ?2")
                  .setParameter(1, past)
                  .setParameter(2, expiring)
                  .executeUpdate();
              // A crash between "completing" and its outcome, the store holding no part.
              em.createNativeQuery(
                      "update upload set status = 'completing', updated_at = ?1 where id = ?2")
                  .setParameter(1, past)
                  .setParameter(2, failing)
                  .executeUpdate();
            });

    janitor.expireDue(Instant.now());
    janitor.repairStuck(Instant.now());

    List<JsonNode> all = OutboxRows.events(organizationId);
    assertThat(all)
        .extracting(event -> event.path("type").asText())
        .containsExactly("upload.initiated", "upload.initiated", "upload.expired", "upload.failed");
    assertThat(all.get(2).path("data").path("upload").path("upload_id").asText())
        .isEqualTo(expiring);
    assertThat(all.get(3).path("data").path("upload").path("upload_id").asText())
        .isEqualTo(failing);
    assertThat(all.get(3).path("data").path("upload").path("status").asText()).isEqualTo("failed");
  }

  @Test
  void aCompleteRefusedWithInvalidPartAnnouncesNothing() {
    String key = Tenants.newOrganizationKey("outbox-invalid-part");
    String organizationId = Tenants.organizationOf(key);
    String uploadId = initiate(key, "wrong.bin").getString("upload_id");

    as(key)
        .body(Map.of("parts", List.of(Api.part(0, "\"0123456789abcdef0123456789abcdef\""))))
        .post("/v1/files/uploads/{id}/complete", uploadId)
        .then()
        .statusCode(400);

    assertThat(OutboxRows.types(organizationId)).containsExactly("upload.initiated");
  }

  @Test
  void aRolledBackChangeLeavesNoEvent() {
    String organizationId = Tenants.organizationOf(Tenants.newOrganizationKey("outbox-rollback"));

    assertThatThrownBy(
            () ->
                QuarkusTransaction.requiringNew()
                    .run(
                        () -> {
                          events.record(
                              organizationId,
                              EventType.WEBHOOK_TEST,
                              new EventData.WebhookTest("whk_x"));
                          throw new IllegalStateException("the change fails after its event");
                        }))
        .hasMessageContaining("the change fails");
    assertThat(OutboxRows.types(organizationId)).isEmpty();

    QuarkusTransaction.requiringNew()
        .run(
            () ->
                events.record(
                    organizationId, EventType.WEBHOOK_TEST, new EventData.WebhookTest("whk_x")));
    assertThat(OutboxRows.types(organizationId)).containsExactly("webhook.test");
  }

  @Test
  void recordingOutsideATransactionIsRefused() {
    assertThatThrownBy(
            () -> events.record("org_x", EventType.WEBHOOK_TEST, new EventData.WebhookTest("x")))
        .isInstanceOf(TransactionalException.class);
  }
}
