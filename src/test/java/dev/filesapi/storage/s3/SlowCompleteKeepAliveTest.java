package dev.filesapi.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.support.BlobStoreCalls;
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
 * bounds it. Here the store takes 3 s to assemble and the read timeout is 1 s.
 */
class SlowCompleteKeepAliveTest {
  private static final String BUCKET = "keep-alive";
  private static final Duration ASSEMBLY = Duration.ofSeconds(3);

  @Test
  void aCompleteLongerThanTheReadTimeoutEndsWithTheObject() throws Exception {
    try (EmbeddedStore store =
        EmbeddedStore.inMemory("keep-alive-key", "keep-alive-secret")
            .decorated(SlowCompleteKeepAliveTest::assemblingSlowly)
            .start(0, BUCKET)) {
      StoreDeadlines deadlines =
          new StoreDeadlines(
              Duration.ofSeconds(1),
              Duration.ofMillis(500),
              Duration.ofSeconds(30),
              Duration.ofSeconds(60),
              100L * 1024 * 1024,
              100L * 1024 * 1024);
      StorageBackend backend =
          S3StorageBackendContractTest.backendAt(
              store.endpoint(),
              BUCKET,
              deadlines,
              StaticCredentialsProvider.create(
                  AwsBasicCredentials.create("keep-alive-key", "keep-alive-secret")),
              Duration.ofSeconds(1));
      String key = "orgs/o/files/" + UUID.randomUUID();
      String uploadId = backend.begin(key, "application/octet-stream");
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

      long started = System.nanoTime();
      backend.complete(
          key, uploadId, List.of(new PartToken(0, put.headers().firstValue("ETag").orElseThrow())));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(ASSEMBLY);
      assertThat(backend.stat(key).map(ObjectStat::size)).contains(16L);
    }
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
