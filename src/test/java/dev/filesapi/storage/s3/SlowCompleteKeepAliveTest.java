package dev.filesapi.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.support.BlobStoreCalls;
import dev.filesapi.support.FreezableProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jclouds.blobstore.BlobStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Pins what S3Proxy (the embedded default's store) does while it assembles an object: it answers
 * {@code 200} at once and keeps the connection alive until the result (as AWS S3 does), so a
 * complete that takes longer than the service's read timeout ({@code
 * quarkus.s3.sync-client.socket-timeout}, 60 s) is not cut by it; the complete's own deadline
 * bounds it. S3Proxy writes a newline every second while it works; here the store takes 4.5 s to
 * assemble and the read timeout is 2 s (a 1 s timeout equals the newline's interval, and a loaded
 * machine once let a gap pass it: CI, 2.02 s). The answer that follows a long assembly is not
 * always one the SDK can parse (seen once under load): the service then looks at the object, as
 * after any failure.
 */
class SlowCompleteKeepAliveTest {
  private static final String BUCKET = "keep-alive";
  private static final Duration ASSEMBLY = Duration.ofMillis(4_500);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  /** Completes may take 30 s a part, so only the read timeout (2 s) can cut one. */
  private static final StoreDeadlines DEADLINES =
      new StoreDeadlines(
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          100L * 1024 * 1024,
          100L * 1024 * 1024);

  @Test
  void aCompleteLongerThanTheReadTimeoutEndsWithTheObject() throws Exception {
    try (EmbeddedStore store =
        EmbeddedStore.inMemory("keep-alive-key", "keep-alive-secret")
            .decorated(SlowCompleteKeepAliveTest::assemblingSlowly)
            .start(0, BUCKET)) {
      StorageBackend backend = backendAt(store.endpoint());
      String key = "orgs/o/files/" + UUID.randomUUID();
      String uploadId = backend.begin(key, "application/octet-stream");
      String token = putPart(backend, key, uploadId);

      long started = System.nanoTime();
      Throwable failure =
          catchThrowable(() -> backend.complete(key, uploadId, List.of(new PartToken(0, token))));

      // Not cut by the 2 s read timeout: the call lasted the whole assembly.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(ASSEMBLY);
      // S3Proxy has sent its 200 and XML head before the assembly's outcome is known, and its
      // answer was once not one the SDK could parse (under load): the service settles that, as
      // any failed store complete, by the object at the upload's key.
      if (failure != null) {
        assertThat(failure)
            .isInstanceOf(StorageUnavailableException.class)
            .hasStackTraceContaining("Could not parse XML response");
      }
      assertThat(backend.stat(key).map(ObjectStat::size)).contains(16L);
    }
  }

  /**
   * A store, or a proxy in front of it, that holds the complete's answer: the read timeout cuts the
   * call once, and the SDK does not send it again (each attempt would wait out the timeout again);
   * the service then looks at the object ({@code UploadCompletion}).
   */
  @Test
  void aCompleteCutByTheReadTimeoutIsSentOnce() throws Exception {
    try (EmbeddedStore store =
            EmbeddedStore.inMemory("keep-alive-key", "keep-alive-secret").start(0, BUCKET);
        FreezableProxy relay = FreezableProxy.start(store::port)) {
      relay.delayCompleteAnswers(READ_TIMEOUT.plusSeconds(2));
      StorageBackend backend = backendAt(relay.endpoint());
      String key = "orgs/o/files/" + UUID.randomUUID();
      String uploadId = backend.begin(key, "application/octet-stream");
      String token = putPart(backend, key, uploadId);

      assertThatThrownBy(() -> backend.complete(key, uploadId, List.of(new PartToken(0, token))))
          .isInstanceOf(StorageUnavailableException.class);

      assertThat(relay.completesHeld()).isEqualTo(1);
      // The store finished it: the object is there for the service to find.
      assertThat(backend.stat(key).map(ObjectStat::size)).contains(16L);
    }
  }

  /** The S3 backend at this endpoint, its read timeout 2 s. */
  private static StorageBackend backendAt(String endpoint) {
    return S3StorageBackendContractTest.backendAt(
        endpoint,
        BUCKET,
        DEADLINES,
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create("keep-alive-key", "keep-alive-secret")),
        READ_TIMEOUT);
  }

  private static String putPart(StorageBackend backend, String key, String uploadId)
      throws Exception {
    Map<Integer, PresignedUrl> urls =
        backend.presignParts(key, uploadId, List.of(0), Duration.ofMinutes(5));
    HttpResponse<Void> put =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(urls.get(0).url()))
                    .PUT(HttpRequest.BodyPublishers.ofString("assembled slowly"))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertThat(put.statusCode()).isEqualTo(200);
    return put.headers().firstValue("ETag").orElseThrow();
  }

  private static BlobStore assemblingSlowly(BlobStore target) {
    return BlobStoreCalls.before(
        target,
        name -> {
          if (name.equals("completeMultipartUpload")) {
            Thread.sleep(ASSEMBLY.toMillis()); // the store's work, not synchronisation
          }
        });
  }
}
