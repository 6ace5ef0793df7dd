package dev.filesapi.upload;

import static dev.filesapi.support.Api.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The janitor, driven with explicit times: expiry of abandoned uploads, and repair of uploads a
 * crash left in {@code completing} (simulated by setting the row so and skipping the rest).
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class JanitorTest {
  private static final int SIZE = 4096;

  @Inject Janitor janitor;
  @Inject StorageBackend storage;
  @Inject CompletionWork work;
  @Inject CompletionLease lease;

  private record Started(
      String uploadId, String name, byte[] content, List<Map<String, Object>> tokens) {}

  /** An upload whose single part is PUT and checkpointed. */
  private static Started uploadedButNotCompleted() {
    String name = "janitor-" + UUID.randomUUID();
    byte[] content = new byte[SIZE];
    new Random(7).nextBytes(content);
    JsonPath initiated =
        Api.initiate(FilesTestResource.API_KEY, name, SIZE, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    String uploadId = initiated.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);
    api()
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/parts/checkpoint", uploadId)
        .then()
        .statusCode(200);
    return new Started(uploadId, name, content, tokens);
  }

  /** What a crash between "mark completing" and "commit the outcome" leaves behind. */
  private static Upload leaveCompleting(String uploadId, Instant since) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Upload upload = Upload.findById(uploadId);
              upload.status = UploadStatus.COMPLETING;
              upload.updatedAt = since;
              return upload;
            });
  }

  private static String status(String uploadId) {
    return api()
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .extract()
        .path("status");
  }

  @Test
  void expiresUploadsPastTheirExpiryAndAbortsThemInTheStore() {
    Started started = uploadedButNotCompleted();
    Instant expiresAt =
        Instant.parse(
            api()
                .get("/v1/files/uploads/{id}", started.uploadId())
                .then()
                .extract()
                .path("expires_at"));

    janitor.expireDue(expiresAt.minusSeconds(1));
    assertThat(status(started.uploadId())).isEqualTo("in_progress");

    assertThat(janitor.expireDue(expiresAt.plusSeconds(1))).isGreaterThanOrEqualTo(1);
    assertThat(status(started.uploadId())).isEqualTo("expired");
    api()
        .get("/v1/files/uploads/{id}", started.uploadId())
        .then()
        .body("checkpointed_parts.size()", equalTo(0));
    api()
        .body(Map.of("parts", started.tokens()))
        .post("/v1/files/uploads/{id}/complete", started.uploadId())
        .then()
        .statusCode(409)
        .body("code", equalTo("upload_not_in_progress"));
    // Resume never picks an expired upload.
    Api.initiate(FilesTestResource.API_KEY, started.name(), SIZE, true)
        .then()
        .statusCode(200)
        .body("is_resume", equalTo(false));
  }

  /**
   * Issue 24: a complete still running on this replica (a slow store) is no stuck one: the janitor
   * leaves it alone, and the heartbeat keeps its upload fresh for the janitors of other replicas.
   */
  @Test
  void aCompleteRunningHereIsNeitherRepairedNorLeftStale() {
    Started started = uploadedButNotCompleted();
    Instant longAgo = Instant.now().minus(Duration.ofHours(1));
    leaveCompleting(started.uploadId(), longAgo);
    CompletionWork.Claim claim = work.claim(started.uploadId());
    try {
      assertThat(claim.owner()).isTrue();
      janitor.repairStuck(Instant.now());
      assertThat(status(started.uploadId())).isEqualTo("completing");

      lease.renew();

      Upload touched =
          QuarkusTransaction.requiringNew().call(() -> Upload.findById(started.uploadId()));
      assertThat(touched.updatedAt).isAfter(longAgo.plus(Duration.ofMinutes(59)));
      // Its lease is renewed too: a repeat on another replica waits for this one.
      assertThat(touched.completingUntil).isAfter(Instant.now());
    } finally {
      work.abandon(started.uploadId(), claim.outcome(), new IllegalStateException("test over"));
    }
  }

  /**
   * Issue 24: a complete that timed out (the upload back in progress) may still have assembled the
   * object; when the upload then expires, the janitor deletes that object: no orphan.
   */
  @Test
  void anUploadThatExpiresAfterATimedOutCompleteLeavesNoObject() {
    Started started = uploadedButNotCompleted();
    Upload upload =
        QuarkusTransaction.requiringNew().call(() -> Upload.findById(started.uploadId()));
    storage.complete(
        upload.storageKey,
        upload.backendUploadId,
        List.of(new PartToken(0, (String) started.tokens().get(0).get("part_token"))));
    assertThat(storage.stat(upload.storageKey)).isPresent();
    Instant expiresAt =
        Instant.parse(
            api()
                .get("/v1/files/uploads/{id}", started.uploadId())
                .then()
                .extract()
                .path("expires_at"));

    assertThat(janitor.expireDue(expiresAt.plusSeconds(1))).isGreaterThanOrEqualTo(1);

    assertThat(status(started.uploadId())).isEqualTo("expired");
    assertThat(storage.stat(upload.storageKey)).isEmpty();
  }

  @Test
  void repairsACompleteThatReachedTheStoreBeforeTheCrash() throws Exception {
    Started started = uploadedButNotCompleted();
    Instant crashedAt = Instant.now().minus(Duration.ofHours(1));
    Upload upload = leaveCompleting(started.uploadId(), crashedAt);
    storage.complete(
        upload.storageKey,
        upload.backendUploadId,
        List.of(new PartToken(0, (String) started.tokens().get(0).get("part_token"))));

    // Within the grace period nothing happens.
    janitor.repairStuck(crashedAt.plusSeconds(60));
    assertThat(status(started.uploadId())).isEqualTo("completing");

    janitor.repairStuck(Instant.now());
    assertThat(status(started.uploadId())).isEqualTo("completed");
    String location =
        api()
            .redirects()
            .follow(false)
            .get("/v1/files/download/{id}", started.name())
            .then()
            .statusCode(302)
            .extract()
            .header("Location");
    HttpResponse<byte[]> download = Api.get(location);
    assertThat(download.body()).isEqualTo(started.content());
  }

  @Test
  void reopensACompleteThatNeverReachedTheStore() {
    Started started = uploadedButNotCompleted();
    leaveCompleting(started.uploadId(), Instant.now().minus(Duration.ofHours(1)));

    janitor.repairStuck(Instant.now());

    assertThat(status(started.uploadId())).isEqualTo("in_progress");
    api()
        .body(Map.of("parts", List.of()))
        .post("/v1/files/uploads/{id}/complete", started.uploadId())
        .then()
        .statusCode(200)
        .body("file_id", equalTo(started.name()));
  }

  @Test
  void failsAnUploadTheStoreNoLongerHas() {
    Started started = uploadedButNotCompleted();
    Upload upload = leaveCompleting(started.uploadId(), Instant.now().minus(Duration.ofHours(1)));
    storage.abort(upload.storageKey, upload.backendUploadId);

    janitor.repairStuck(Instant.now());

    assertThat(status(started.uploadId())).isEqualTo("failed");
    api()
        .post("/v1/files/uploads/{id}/abort", started.uploadId())
        .then()
        .statusCode(409)
        .body("code", equalTo("upload_not_in_progress"));
  }

  @Test
  void twoJanitorsAtOnceExpireEachUploadExactlyOnce() throws Exception {
    for (int i = 0; i < 6; i++) {
      uploadedButNotCompleted();
    }
    Instant later = Instant.now().plus(Duration.ofDays(30));
    long due =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    Upload.count(
                        "status = ?1 and expiresAt < ?2", UploadStatus.IN_PROGRESS, later));

    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(() -> janitor.expireDue(later));
      var second = pool.submit(() -> janitor.expireDue(later));
      assertThat((long) first.get() + second.get()).isEqualTo(due);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            QuarkusTransaction.requiringNew()
                .call(
                    () ->
                        Upload.count(
                            "status = ?1 and expiresAt < ?2", UploadStatus.IN_PROGRESS, later)))
        .isZero();
  }
}
