package dev.filesapi.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.MultipartUploadClient;
import com.google.cloud.storage.MultipartUploadSettings;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.multipartupload.model.CreateMultipartUploadRequest;
import com.google.cloud.storage.multipartupload.model.ListPartsRequest;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageBackendContractTest;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.TestDeadlines;
import dev.filesapi.support.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract for the GCS backend against S3Proxy without authentication: no public emulator
 * speaks the XML multipart API, and S3Proxy answers the official client's XML calls. Part URLs are
 * HMAC-signed as in production; S3Proxy does not check them (real GCS does: {@link
 * GcsStorageBackendOnGcsContractTest}). Where S3Proxy is not GCS, the tests are pinned below.
 */
class GcsStorageBackendContractTest extends StorageBackendContractTest {
  private static final String BUCKET = "contract";

  private S3ProxyServer server;
  private HttpStorageOptions options;
  private StorageBackend backend;
  private StorageBackend unreachable;
  private StorageBackend missingBucket;

  @BeforeAll
  void startServer() throws Exception {
    server = S3ProxyServer.withoutAuthentication(BUCKET);
    options = optionsAt(server.endpoint());
    backend = backendAt(options, BUCKET);
    unreachable = backendAt(optionsAt("http://127.0.0.1:" + closedPort()), BUCKET);
    missingBucket = backendAt(options, "no-such-bucket");
  }

  @AfterAll
  void stopServer() throws Exception {
    server.close();
  }

  private static HttpStorageOptions optionsAt(String endpoint) {
    // A project id, so the client does not look for a metadata server; one attempt, no retries.
    return StorageOptions.http()
        .setHost(endpoint)
        .setProjectId("test-project")
        .setCredentials(NoCredentials.getInstance())
        .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build())
        .build();
  }

  private static StorageBackend backendAt(HttpStorageOptions options, String bucket) {
    return backendAt(options, bucket, TestDeadlines.DEFAULTS);
  }

  private static StorageBackend backendAt(
      HttpStorageOptions options, String bucket, StoreDeadlines deadlines) {
    GcsUrlSigner signer =
        GcsUrlSigner.hmac("GOOG1TESTACCESSID", "test-hmac-secret", options.getHost(), bucket);
    return new GcsStorageBackend(options, bucket, signer, deadlines);
  }

  @Override
  protected StorageBackend backend() {
    return backend;
  }

  @Override
  protected StorageBackend unreachableBackend() {
    return unreachable;
  }

  @Override
  protected StorageBackend missingBucketBackend() {
    return missingBucket;
  }

  @Override
  protected int localStorePort() {
    return server.port();
  }

  @Override
  protected StorageBackend backendAt(String endpoint, StoreDeadlines deadlines) {
    return backendAt(optionsAt(endpoint), BUCKET, deadlines);
  }

  /** S3Proxy sends no {@code x-goog-hash}, so there is no CRC32C to report. */
  @Override
  @Test
  protected void statReportsTheCrc32cWhereTheBackendDeclaresIt() {
    assertThatThrownBy(super::statReportsTheCrc32cWhereTheBackendDeclaresIt)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but was empty");
  }

  /** S3Proxy lists an aborted upload as one without parts, where GCS answers 404. */
  @Override
  @Test
  protected void anAbortedUploadIsForgotten() {
    assertThatThrownBy(super::anAbortedUploadIsForgotten)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting code to raise a throwable");
  }

  /** The preview client answers {@code parts() == null} for no parts; the backend maps it. */
  @Test
  void theClientListsNoPartsAsNull() {
    MultipartUploadClient client =
        MultipartUploadClient.create(MultipartUploadSettings.of(options));
    String key = newKey();
    String uploadId =
        client
            .createMultipartUpload(
                CreateMultipartUploadRequest.builder().bucket(BUCKET).key(key).build())
            .uploadId();

    assertThat(
            client
                .listParts(
                    ListPartsRequest.builder().bucket(BUCKET).key(key).uploadId(uploadId).build())
                .parts())
        .isNull();
    backend.abort(key, uploadId);
  }
}
