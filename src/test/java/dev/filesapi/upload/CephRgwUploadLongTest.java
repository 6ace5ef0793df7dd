package dev.filesapi.upload;

import static dev.filesapi.support.Api.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.support.Api;
import dev.filesapi.support.CephRgwResource;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The service end to end against a real Ceph RADOS Gateway (the S3 store of Rook): initiate, part
 * PUTs through presigned URLs, checkpoint, complete, download, abort, expiry and the janitor's
 * repair after a crash. RGW answers an upload it no longer has otherwise than S3 ({@code 500
 * InternalError} to a complete, {@code NoSuchKey} to ListParts): no request answers a 5xx for it
 * and no upload stays {@code completing}.
 */
@Tag(
    "long") // 10–45 s by the machine's load, with the cluster's and the service's start; CI: -Plong
@QuarkusTest
@WithTestResource(CephRgwResource.class)
@EnabledIf(
    value = "dev.filesapi.support.CephRgwProcess#runnable",
    disabledReason = "Ceph is not installed (apt-get install ceph-mon ceph-osd radosgw)")
class CephRgwUploadLongTest {
  private static final String KEY = FilesTestResource.API_KEY;
  private static final int MIB = 1024 * 1024;

  @Inject Janitor janitor;
  @Inject StorageBackend storage;

  private record Started(
      String uploadId, String name, byte[] content, List<Map<String, Object>> tokens) {}

  /** No test leaves an upload completing: each crash it fakes is repaired. */
  @AfterEach
  void noUploadIsLeftCompleting() {
    assertThat(
            QuarkusTransaction.requiringNew()
                .call(() -> Upload.count("status", UploadStatus.COMPLETING)))
        .isZero();
  }

  @Test
  void aMultipartUploadCompletesDownloadsAndCompletesAgainToTheSameFile() {
    Started started = uploadedAndCheckpointed(5 * MIB + 4321);

    Response completed = complete(started.uploadId(), started.tokens());
    assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(200);
    assertThat(completed.jsonPath().getString("file_id")).isEqualTo(started.name());
    assertThat(downloaded(started.name())).isEqualTo(started.content());

    Response again = complete(started.uploadId(), List.of());
    assertThat(again.statusCode()).as(again.asString()).isEqualTo(200);
    assertThat(again.jsonPath().getString("file_id")).isEqualTo(started.name());
    assertThat(status(started.uploadId())).isEqualTo("completed");
  }

  @Test
  void anAbortReachesTheStoreAndALaterCompleteIsAConflict() {
    Started started = uploadedAndCheckpointed(4096);
    Upload upload = upload(started.uploadId());

    Response aborted = api().post("/v1/files/uploads/{id}/abort", started.uploadId());

    assertThat(aborted.statusCode()).as(aborted.asString()).isEqualTo(200);
    assertThatThrownBy(() -> storage.listParts(upload.storageKey, upload.backendUploadId))
        .isInstanceOf(NoSuchUploadException.class);
    Response completed = complete(started.uploadId(), started.tokens());
    assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(409);
    assertThat(completed.jsonPath().getString("code")).isEqualTo("upload_not_in_progress");
  }

  @Test
  void anExpiredUploadIsAbortedInTheStore() {
    Started started = uploadedAndCheckpointed(4096);
    Upload upload = upload(started.uploadId());
    Instant expiresAt =
        Instant.parse(
            api()
                .get("/v1/files/uploads/{id}", started.uploadId())
                .then()
                .statusCode(200)
                .extract()
                .path("expires_at"));

    assertThat(janitor.expireDue(expiresAt.plusSeconds(1))).isGreaterThanOrEqualTo(1);

    assertThat(status(started.uploadId())).isEqualTo("expired");
    assertThatThrownBy(() -> storage.listParts(upload.storageKey, upload.backendUploadId))
        .isInstanceOf(NoSuchUploadException.class);
  }

  /**
   * A store that dropped the multipart upload under the service (a lifecycle rule for abandoned
   * uploads, an operator): RGW answers the complete {@code 500 InternalError}; the client gets
   * {@code 409 upload_failed}, not a 5xx to retry for ever, and the upload is failed.
   */
  @Test
  void aCompleteOfAnUploadTheStoreDroppedIsAConflictNotAServerError() {
    Started started = uploadedAndCheckpointed(4096);
    Upload upload = upload(started.uploadId());
    storage.abort(upload.storageKey, upload.backendUploadId);

    Response completed = complete(started.uploadId(), started.tokens());

    assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(409);
    assertThat(completed.jsonPath().getString("code")).isEqualTo("upload_failed");
    assertThat(status(started.uploadId())).isEqualTo("failed");
  }

  @Test
  void theJanitorRepairsACompleteThatReachedTheStoreBeforeTheCrash() {
    Started started = uploadedAndCheckpointed(5 * MIB + 10);
    Upload upload = leaveCompleting(started.uploadId());
    storage.complete(upload.storageKey, upload.backendUploadId, tokens(started));

    janitor.repairStuck(Instant.now());

    assertThat(status(started.uploadId())).isEqualTo("completed");
    assertThat(downloaded(started.name())).isEqualTo(started.content());
  }

  @Test
  void theJanitorReopensACompleteThatNeverReachedTheStore() {
    Started started = uploadedAndCheckpointed(4096);
    leaveCompleting(started.uploadId());

    janitor.repairStuck(Instant.now());

    assertThat(status(started.uploadId())).isEqualTo("in_progress");
    Response completed = complete(started.uploadId(), List.of());
    assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(200);
    assertThat(downloaded(started.name())).isEqualTo(started.content());
  }

  /** RGW's NoSuchKey to ListParts of the aborted upload: failed, not retried for ever. */
  @Test
  void theJanitorFailsACompletingUploadTheStoreNoLongerHas() {
    Started started = uploadedAndCheckpointed(4096);
    Upload upload = leaveCompleting(started.uploadId());
    storage.abort(upload.storageKey, upload.backendUploadId);

    janitor.repairStuck(Instant.now());

    assertThat(status(started.uploadId())).isEqualTo("failed");
  }

  // ---- helpers ----

  /** An upload whose parts are PUT through their presigned URLs and checkpointed. */
  private static Started uploadedAndCheckpointed(int size) {
    String name = "rgw-" + UUID.randomUUID() + ".bin";
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    JsonPath initiated =
        Api.initiate(KEY, name, size, false).then().statusCode(200).extract().jsonPath();
    String uploadId = initiated.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);
    Response checkpoint =
        api()
            .body(Map.of("parts", tokens))
            .post("/v1/files/uploads/{id}/parts/checkpoint", uploadId);
    assertThat(checkpoint.statusCode()).as(checkpoint.asString()).isEqualTo(200);
    return new Started(uploadId, name, content, tokens);
  }

  private static Response complete(String uploadId, List<Map<String, Object>> tokens) {
    return api().body(Map.of("parts", tokens)).post("/v1/files/uploads/{id}/complete", uploadId);
  }

  private static List<PartToken> tokens(Started started) {
    return started.tokens().stream()
        .map(
            part ->
                new PartToken(
                    ((Number) part.get("part_number")).intValue(), (String) part.get("part_token")))
        .toList();
  }

  /** What a crash between "mark completing" and "commit the outcome" leaves behind. */
  private static Upload leaveCompleting(String uploadId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Upload upload = Upload.findById(uploadId);
              upload.status = UploadStatus.COMPLETING;
              upload.updatedAt = Instant.now().minus(Duration.ofHours(1));
              return upload;
            });
  }

  private static Upload upload(String uploadId) {
    return QuarkusTransaction.requiringNew().call(() -> Upload.findById(uploadId));
  }

  private static String status(String uploadId) {
    return api()
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .extract()
        .path("status");
  }

  private static byte[] downloaded(String name) {
    Response redirect = api().redirects().follow(false).get("/v1/files/download/{id}", name);
    assertThat(redirect.statusCode()).as(redirect.asString()).isEqualTo(302);
    HttpResponse<byte[]> fetched = Api.get(redirect.getHeader("Location"));
    assertThat(fetched.statusCode()).isEqualTo(200);
    return fetched.body();
  }
}
