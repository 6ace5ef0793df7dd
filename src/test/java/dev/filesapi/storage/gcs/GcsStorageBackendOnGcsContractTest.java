package dev.filesapi.storage.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.StorageOptions;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageBackendContractTest;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.TestDeadlines;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract against real Cloud Storage, where signatures, CRC32C and 404s are all real. Runs
 * only with {@code GCS_TEST_BUCKET}, {@code GCS_TEST_HMAC_ACCESS_ID}, {@code GCS_TEST_HMAC_SECRET}
 * and Application Default Credentials for the same service account; skipped (and reported so)
 * otherwise. Objects go under {@code files-api-contract/}.
 */
@EnabledIfEnvironmentVariable(named = "GCS_TEST_BUCKET", matches = ".+")
@EnabledIfEnvironmentVariable(named = "GCS_TEST_HMAC_ACCESS_ID", matches = ".+")
@EnabledIfEnvironmentVariable(named = "GCS_TEST_HMAC_SECRET", matches = ".+")
class GcsStorageBackendOnGcsContractTest extends StorageBackendContractTest {
  private StorageBackend backend;
  private StorageBackend unreachable;
  private StorageBackend missingBucket;

  @BeforeAll
  void connect() {
    String bucket = System.getenv("GCS_TEST_BUCKET");
    backend = backendAt(StorageOptions.http().build(), bucket);
    unreachable =
        backendAt(
            StorageOptions.http()
                .setHost("http://127.0.0.1:" + closedPort())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build())
                .build(),
            bucket);
    missingBucket =
        backendAt(StorageOptions.http().build(), "files-api-missing-" + UUID.randomUUID());
  }

  private static StorageBackend backendAt(HttpStorageOptions options, String bucket) {
    GcsUrlSigner signer =
        GcsUrlSigner.hmac(
            System.getenv("GCS_TEST_HMAC_ACCESS_ID"),
            System.getenv("GCS_TEST_HMAC_SECRET"),
            options.getHost(),
            bucket);
    return new GcsStorageBackend(options, bucket, signer, TestDeadlines.DEFAULTS);
  }

  @Override
  protected String newKey() {
    return "files-api-contract/f +&ü-" + UUID.randomUUID();
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
  protected StorageBackend backendAt(String endpoint, StoreDeadlines deadlines) {
    String bucket = System.getenv("GCS_TEST_BUCKET");
    HttpStorageOptions options = StorageOptions.http().setHost(endpoint).build();
    GcsUrlSigner signer =
        GcsUrlSigner.hmac(
            System.getenv("GCS_TEST_HMAC_ACCESS_ID"),
            System.getenv("GCS_TEST_HMAC_SECRET"),
            endpoint,
            bucket);
    return new GcsStorageBackend(options, bucket, signer, deadlines);
  }
}
