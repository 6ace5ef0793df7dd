package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.compat.SourceClient;
import dev.filesapi.file.StoredFile;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 24: a complete converges. Whatever happened to an earlier attempt (the store's answer came
 * after the request's wait, the connection was lost after the store finished, the store already
 * completed the upload, a crash left it {@code completing}), the complete sent again the way the
 * source API's Python client sends it (three attempts, no pause, again on anything but 200/201 and
 * 400–416) ends in {@code 200} with the file, and every assembled object has its file. A store that
 * answers nothing still gets {@code 503} within a bound, and the upload completes once it answers.
 *
 * <p>The store is reached through a relay that can hold back CompleteMultipartUpload's answer; the
 * wait is 4 s here (30 s by default) so that a 10 s delay needs three attempts.
 */
@QuarkusTest
@TestProfile(CompleteConvergenceTest.ShortWait.class)
@WithTestResource(
    value = FilesTestResource.class,
    initArgs = @ResourceArg(name = FilesTestResource.THROUGH_PROXY, value = "true"))
class CompleteConvergenceTest {
  private static final Duration WAIT = Duration.ofSeconds(4);
  private static final Duration STORE_DELAY = Duration.ofSeconds(10);
  private static final Duration OUTAGE_BOUND = Duration.ofSeconds(15);

  /**
   * The S3 client's socket timeout here (60 s by default): longer than {@link #STORE_DELAY},
   * shorter than the delay of {@link #aCompleteWhoseAnswerOutlastsTheSocketTimeoutEndsWithTheFile}.
   */
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(12);

  /** A short wait; a complete deadline long enough that the delayed answer is not given up on. */
  public static class ShortWait implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "files.upload.complete-wait",
          WAIT.toSeconds() + "s",
          "files.storage.timeout.complete-per-part",
          "20s",
          "quarkus.s3.sync-client.socket-timeout",
          SOCKET_TIMEOUT.toSeconds() + "S");
    }
  }

  @Inject StorageBackend storage;

  private final SourceClient client = new SourceClient(FilesTestResource.API_KEY);

  @AfterEach
  void storeAnswersNormally() {
    FilesTestResource.storeProxy().thaw();
    FilesTestResource.storeProxy().delayCompleteAnswers(Duration.ZERO);
    FilesTestResource.storeProxy().dropCompleteAnswers(0);
  }

  @Test
  void aStoreSlowerThanTheWaitGives202ThenTheRepeatedCompleteGetsTheFile() throws Exception {
    Uploaded up = uploaded("slow-store", 11 * MIB + 7, 71);
    long completesBefore = FilesTestResource.storeCalls("completeMultipartUpload");
    FilesTestResource.storeProxy().delayCompleteAnswers(STORE_DELAY);

    long started = System.nanoTime();
    Response first =
        Api.api()
            .body(Map.of("parts", up.tokens()))
            .post("/v1/files/uploads/{id}/complete", up.uploadId());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(first.statusCode()).as(first.asString()).isEqualTo(202);
    assertThat(first.getHeader("Retry-After")).isNotBlank();
    assertThat(first.jsonPath().getString("upload_id")).isEqualTo(up.uploadId());
    assertThat(first.jsonPath().getString("status")).isEqualTo("completing");
    assertThat(took).isGreaterThanOrEqualTo(WAIT.minusMillis(100)).isLessThan(STORE_DELAY);
    assertThat(UploadTestSupport.view(up.uploadId()).getString("status")).isEqualTo("completing");
    // This replica holds the complete by its lease: other replicas wait for it.
    Instant lease =
        QuarkusTransaction.requiringNew()
            .call(() -> Upload.<Upload>findById(up.uploadId()).completingUntil);
    assertThat(lease).isAfter(Instant.now());

    SourceClient.Result repeated = client.complete(up.uploadId(), up.tokens());

    assertThat(repeated.status()).as(repeated.body()).isEqualTo(200);
    assertThat(repeated.json().getString("file_uid")).isEqualTo(up.fileUid());
    assertThat(repeated.json().getString("file_status")).isEqualTo("Registered");
    // The repeats joined the running work: the store was asked once.
    assertThat(FilesTestResource.storeCalls("completeMultipartUpload") - completesBefore)
        .isEqualTo(1);
    assertThat(FilesTestResource.storeProxy().completesHeld()).isPositive();
    assertEveryObjectHasItsFile();
  }

  /**
   * A store (or a proxy in front of it) that sends nothing of the complete's answer until long
   * after it finished: every store complete is cut by the socket timeout, so only the object can
   * tell that it is done. The repeated completes end with the file, never a 5xx (issue 24: the
   * delaying relay of 2 minutes, here scaled down to the socket timeout + 4 s).
   */
  @Test
  @Tag("long")
  void aCompleteWhoseAnswerOutlastsTheSocketTimeoutEndsWithTheFile() {
    Uploaded up = uploaded("answer-after-socket-timeout", 6 * MIB, 77);
    FilesTestResource.storeProxy().delayCompleteAnswers(SOCKET_TIMEOUT.plusSeconds(4));
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();

    SourceClient.Result completed = client.complete(up.uploadId(), up.tokens());
    while (completed.status() != 200 && System.nanoTime() < deadline) {
      assertThat(completed.status()).as(completed.body()).isEqualTo(202);
      completed = client.complete(up.uploadId(), up.tokens());
    }

    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.json().getString("file_uid")).isEqualTo(up.fileUid());
    assertRegistered(up);
    assertEveryObjectHasItsFile();
  }

  @Test
  void aConnectionLostAfterTheStoreFinishedStillEndsWithTheFile() {
    Uploaded up = uploaded("lost-answer", 6 * MIB, 72);
    int heldBefore = FilesTestResource.storeProxy().completesHeld();
    FilesTestResource.storeProxy().dropCompleteAnswers(1);

    SourceClient.Result completed = client.complete(up.uploadId(), up.tokens());

    assertThat(FilesTestResource.storeProxy().completesHeld() - heldBefore).isEqualTo(1);
    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.json().getString("file_uid")).isEqualTo(up.fileUid());
    assertRegistered(up);
    assertEveryObjectHasItsFile();
  }

  @Test
  void aStoreThatAlreadyCompletedTheUploadIsAnsweredByTheObject() {
    Uploaded up = uploaded("completed-behind", 6 * MIB, 73);
    Upload upload = QuarkusTransaction.requiringNew().call(() -> Upload.findById(up.uploadId()));
    // The store finished a complete whose answer never came back (the first attempt timed out).
    storage.complete(upload.storageKey, upload.backendUploadId, partTokens(up));

    SourceClient.Result completed = client.complete(up.uploadId(), up.tokens());

    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.attempts()).isEqualTo(1);
    assertThat(completed.json().getString("file_uid")).isEqualTo(up.fileUid());
    assertRegistered(up);
    assertEveryObjectHasItsFile();
  }

  @Test
  void aCompleteLeftCompletingByACrashAfterTheStoreFinishedIsRegisteredAtOnce() {
    Uploaded up = uploaded("crash-after-store", 6 * MIB, 74);
    Upload upload = leftCompleting(up.uploadId());
    storage.complete(upload.storageKey, upload.backendUploadId, partTokens(up));
    long completesBefore = FilesTestResource.storeCalls("completeMultipartUpload");

    SourceClient.Result completed = client.complete(up.uploadId(), up.tokens());

    // Not 409 upload_completing: the object at the upload's key settles it.
    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.attempts()).isEqualTo(1);
    assertThat(FilesTestResource.storeCalls("completeMultipartUpload") - completesBefore).isZero();
    assertRegistered(up);
    assertEveryObjectHasItsFile();
  }

  @Test
  void aCompleteLeftCompletingByACrashBeforeTheStoreWasAskedIsDrivenAgain() {
    Uploaded up = uploaded("crash-before-store", 6 * MIB, 75);
    leftCompleting(up.uploadId());

    // The client sends no parts: the checkpoints and the store's own list give every token.
    SourceClient.Result completed = client.complete(up.uploadId(), List.of());

    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.attempts()).isEqualTo(1);
    assertRegistered(up);
    assertEveryObjectHasItsFile();
  }

  /**
   * Several replicas: the replica driving a complete holds its upload by a lease it renews. A
   * repeat reaching another replica waits for it instead of asking the store again (which would
   * assemble the object twice), and drives the complete itself once the lease lapses (the holder
   * died), within the same request when that happens during its wait.
   */
  @Test
  void aCompleteHeldByAnotherReplicasLeaseIsWaitedForAndTakenOverWhenTheLeaseLapses() {
    Uploaded up = uploaded("held-elsewhere", 6 * MIB, 77);
    heldElsewhereUntil(up.uploadId(), Instant.now().plus(Duration.ofHours(1)));
    long completesBefore = FilesTestResource.storeCalls("completeMultipartUpload");

    Response waited =
        Api.api()
            .body(Map.of("parts", up.tokens()))
            .post("/v1/files/uploads/{id}/complete", up.uploadId());

    assertThat(waited.statusCode()).as(waited.asString()).isEqualTo(202);
    assertThat(waited.jsonPath().getString("status")).isEqualTo("completing");
    assertThat(FilesTestResource.storeCalls("completeMultipartUpload") - completesBefore).isZero();

    // The holder stops renewing (it died): the lease lapses during the next request's wait.
    heldElsewhereUntil(up.uploadId(), Instant.now().plus(Duration.ofMillis(1500)));
    SourceClient.Result completed = client.complete(up.uploadId(), up.tokens());

    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.attempts()).isEqualTo(1);
    assertThat(FilesTestResource.storeCalls("completeMultipartUpload") - completesBefore)
        .isEqualTo(1);
    assertRegistered(up);
    assertEveryObjectHasItsFile();
  }

  @Test
  void aStoreThatAnswersNothingGives503WithinTheBoundAndTheUploadCompletesLater() {
    Uploaded up = uploaded("frozen-store", 11 * MIB, 76);
    FilesTestResource.storeProxy().freeze();

    long started = System.nanoTime();
    Response refused =
        Api.api()
            .body(Map.of("parts", up.tokens()))
            .post("/v1/files/uploads/{id}/complete", up.uploadId());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    problem(refused, 503, "storage_unavailable");
    assertThat(refused.getHeader("Retry-After")).isNotBlank();
    assertThat(took).isLessThan(OUTAGE_BOUND);

    FilesTestResource.storeProxy().thaw();
    SourceClient.Result completed = client.complete(up.uploadId(), up.tokens());

    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.json().getString("file_uid")).isEqualTo(up.fileUid());
    assertRegistered(up);
    assertEveryObjectHasItsFile();
  }

  /** An upload whose parts were PUT the client's way (and checkpointed); not completed. */
  private record Uploaded(String uploadId, String fileUid, List<Map<String, Object>> tokens) {}

  private Uploaded uploaded(String label, int size, long seed) {
    String filename = unique(label) + ".txt";
    byte[] content = UploadTestSupport.content(size, seed);
    SourceClient.Result initiated = client.initiate(filename, content.length);
    assertThat(initiated.status()).as(initiated.body()).isEqualTo(200);
    JsonPath json = initiated.json();
    List<Map<String, Object>> tokens = new ArrayList<>();
    for (Map<String, Object> part : json.<Map<String, Object>>getList("parts")) {
      try {
        tokens.add(SourceClient.putPart(part, content));
      } catch (Exception e) {
        throw new AssertionError("part PUT failed", e);
      }
    }
    String uploadId = json.getString("upload_id");
    UploadTestSupport.checkpoint(uploadId, tokens.toArray()).then().statusCode(200);
    return new Uploaded(uploadId, json.getString("file_uid"), tokens);
  }

  private static List<PartToken> partTokens(Uploaded up) {
    return up.tokens().stream()
        .map(t -> new PartToken((Integer) t.get("part_number"), (String) t.get("part_token")))
        .toList();
  }

  /** An upload another replica is completing, its lease renewed until then. */
  private static void heldElsewhereUntil(String uploadId, Instant until) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Upload upload = Upload.findById(uploadId);
              upload.status = UploadStatus.COMPLETING;
              upload.completingUntil = until;
            });
  }

  /** What a replica killed between "mark completing" and the store's answer leaves behind. */
  private static Upload leftCompleting(String uploadId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Upload upload = Upload.findById(uploadId);
              upload.status = UploadStatus.COMPLETING;
              return upload;
            });
  }

  private static void assertRegistered(Uploaded up) {
    JsonPath view = UploadTestSupport.view(up.uploadId());
    assertThat(view.getString("status")).isEqualTo("completed");
    String name = view.getString("file_name");
    JsonPath record =
        Api.api().get("/v1/files/metadata/{id}", name).then().statusCode(200).extract().jsonPath();
    assertThat(record.getString("file_uid")).isEqualTo(up.fileUid());
  }

  /**
   * Objects = files: every upload's key holds an object exactly when a file is registered at it (an
   * in-progress upload has no object yet).
   */
  private static void assertEveryObjectHasItsFile() {
    Set<String> fileKeys =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    StoredFile.<StoredFile>listAll().stream()
                        .map(file -> file.storageKey)
                        .collect(Collectors.toSet()));
    List<String> uploadKeys =
        QuarkusTransaction.requiringNew()
            .call(
                () -> Upload.<Upload>listAll().stream().map(upload -> upload.storageKey).toList());
    var blobStore = FilesTestResource.store().blobStore();
    for (String key : uploadKeys) {
      assertThat(blobStore.blobExists(FilesTestResource.BUCKET, key))
          .as("an object at %s", key)
          .isEqualTo(fileKeys.contains(key));
    }
  }
}
