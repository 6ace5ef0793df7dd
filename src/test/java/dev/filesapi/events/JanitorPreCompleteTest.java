package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import dev.filesapi.upload.Janitor;
import dev.filesapi.upload.Upload;
import dev.filesapi.upload.UploadStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The janitor's repair of a complete interrupted after the store assembled the object asks the
 * pre-complete hook like a client's complete: allowed → registered; refused → object deleted,
 * upload failed; hook unavailable → left completing (object kept) and settled by a later round.
 */
@QuarkusTest
@TestProfile(BlockingHooksTest.WithHooks.class)
@WithTestResource(FilesTestResource.class)
class JanitorPreCompleteTest {
  private static final WebhookReceiver HOOK = BlockingHooksTest.HOOK;

  @Inject Janitor janitor;
  @Inject StorageBackend storage;

  /** Long before anything other tests leave behind, so the janitor claims only this test's rows. */
  private Instant crashedAt;

  @BeforeEach
  void nothingScripted() {
    HOOK.clearScript();
    crashedAt = Instant.now().minus(Duration.ofDays(3));
  }

  private record Crashed(String key, String organizationId, Upload upload, byte[] content) {}

  /**
   * What a crash between the store's complete and the commit of the file leaves: the object
   * assembled, the upload {@code completing} since {@code crashedAt}.
   */
  private Crashed crashedAfterTheStoreAssembled(String name) {
    String key = Tenants.newOrganizationKey("hooks-repair");
    byte[] content = new byte[2000];
    new Random(name.hashCode()).nextBytes(content);
    JsonPath initiated =
        Api.initiate(key, name, content.length, false).then().statusCode(200).extract().jsonPath();
    String uploadId = initiated.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);
    Upload upload =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Upload found = Upload.findById(uploadId);
                  found.status = UploadStatus.COMPLETING;
                  found.updatedAt = crashedAt;
                  return found;
                });
    storage.complete(
        upload.storageKey,
        upload.backendUploadId,
        List.of(new PartToken(0, (String) tokens.get(0).get("part_token"))));
    return new Crashed(key, Tenants.organizationOf(key), upload, content);
  }

  private static String status(Crashed crashed) {
    return as(crashed.key())
        .get("/v1/files/uploads/{id}", crashed.upload().id)
        .then()
        .statusCode(200)
        .extract()
        .path("status");
  }

  private List<WebhookReceiver.Received> askedAbout(Crashed crashed) {
    return HOOK.received().stream()
        .filter(r -> r.type().equals("hook.pre_complete"))
        .filter(r -> r.json().path("upload").path("upload_id").asText().equals(crashed.upload().id))
        .toList();
  }

  @Test
  void anAllowedRepairRegistersTheFileTheHookSaw() {
    Crashed crashed = crashedAfterTheStoreAssembled("repair-clean.bin");

    janitor.repairStuck(crashedAt.plus(Duration.ofHours(1)));

    assertThat(status(crashed)).isEqualTo("completed");
    List<WebhookReceiver.Received> asked = askedAbout(crashed);
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0).signatureValid()).isTrue();
    assertThat(Api.get(asked.get(0).json().path("download_url").asText()).body())
        .isEqualTo(crashed.content());
    as(crashed.key()).get("/v1/files/metadata/{id}", "repair-clean.bin").then().statusCode(200);
    assertThat(OutboxRows.types(crashed.organizationId()))
        .containsExactly("upload.initiated", "upload.completed");
  }

  @Test
  void aRefusedRepairDeletesTheObjectAndFailsTheUpload() {
    Crashed crashed = crashedAfterTheStoreAssembled("repair-infected.bin");
    HOOK.script(new WebhookReceiver.Answer(422, Duration.ZERO, "{\"reason\":\"EICAR\"}"));

    janitor.repairStuck(crashedAt.plus(Duration.ofHours(1)));

    assertThat(askedAbout(crashed)).hasSize(1);
    assertThat(status(crashed)).isEqualTo("failed");
    assertThat(storage.stat(crashed.upload().storageKey)).isEmpty();
    as(crashed.key()).get("/v1/files/metadata/{id}", "repair-infected.bin").then().statusCode(404);
    assertThat(OutboxRows.types(crashed.organizationId()))
        .containsExactly("upload.initiated", "upload.failed");
    // upload.failed says why; the earlier events carry no failure.
    List<com.fasterxml.jackson.databind.JsonNode> events =
        OutboxRows.events(crashed.organizationId());
    assertThat(events.get(1).at("/data/upload/failure/code").asText())
        .isEqualTo("rejected_by_hook");
    assertThat(events.get(1).at("/data/upload/failure/detail").asText()).contains("EICAR");
    assertThat(events.get(0).at("/data/upload").has("failure")).isFalse();
  }

  @Test
  void aHookThatCannotBeAskedLeavesTheUploadForALaterRound() {
    Crashed crashed = crashedAfterTheStoreAssembled("repair-later.bin");
    HOOK.script(new WebhookReceiver.Answer(500, Duration.ZERO));

    Instant firstRound = crashedAt.plus(Duration.ofHours(1));
    assertThat(janitor.repairStuck(firstRound)).isZero();

    assertThat(askedAbout(crashed)).hasSize(1);
    assertThat(status(crashed)).isEqualTo("completing");
    assertThat(storage.stat(crashed.upload().storageKey)).isPresent();
    as(crashed.key()).get("/v1/files/metadata/{id}", "repair-later.bin").then().statusCode(404);
    assertThat(OutboxRows.types(crashed.organizationId())).containsExactly("upload.initiated");

    // Within the grace period after that round the upload is left alone; after it, the hook
    // (answering 200 again) is asked once more and the file registered.
    janitor.repairStuck(firstRound.plus(Duration.ofMinutes(1)));
    assertThat(askedAbout(crashed)).hasSize(1);
    janitor.repairStuck(firstRound.plus(Duration.ofHours(1)));
    assertThat(askedAbout(crashed)).hasSize(2);
    assertThat(status(crashed)).isEqualTo("completed");
    assertThat(OutboxRows.types(crashed.organizationId()))
        .containsExactly("upload.initiated", "upload.completed");
  }
}
