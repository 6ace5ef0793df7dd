package dev.filesapi.storage.s3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageBackendContractTest;
import dev.filesapi.storage.StorageConfig;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.TestDeadlines;
import dev.filesapi.support.S3ProxyServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The contract against S3Proxy checking AWS V4 signatures, with SDK clients built by hand. */
class S3StorageBackendContractTest extends StorageBackendContractTest {
  private static final String BUCKET = "contract";
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(
          AwsBasicCredentials.create("contract-key", "contract-secret"));

  private S3ProxyServer server;
  private StorageBackend backend;
  private StorageBackend unreachable;
  private StorageBackend missingBucket;

  @BeforeAll
  void startServer() throws Exception {
    server = S3ProxyServer.withAwsAuthentication(BUCKET, "contract-key", "contract-secret");
    backend = backendAt(server.endpoint(), BUCKET, TestDeadlines.DEFAULTS);
    unreachable = backendAt("http://127.0.0.1:" + closedPort(), BUCKET, TestDeadlines.DEFAULTS);
    missingBucket = backendAt(server.endpoint(), "no-such-bucket", TestDeadlines.DEFAULTS);
  }

  @AfterAll
  void stopServer() throws Exception {
    server.close();
  }

  private static StorageBackend backendAt(
      String endpoint, String bucket, StoreDeadlines deadlines) {
    return backendAt(endpoint, bucket, deadlines, CREDENTIALS, Duration.ofSeconds(60));
  }

  /**
   * A backend as the service builds it: path-style, no aws-chunked bodies, checksums only where an
   * operation requires them ({@code quarkus.s3.checksum-validation=false}), the URL-connection HTTP
   * client with this read timeout (the service's {@code quarkus.s3.sync-client.socket-timeout}).
   */
  static StorageBackend backendAt(
      String endpoint,
      String bucket,
      StoreDeadlines deadlines,
      StaticCredentialsProvider credentials,
      Duration socketTimeout) {
    URI uri = URI.create(endpoint);
    S3Configuration pathStyle =
        S3Configuration.builder()
            .pathStyleAccessEnabled(true)
            // As in application.properties: S3Proxy rejects aws-chunked bodies.
            .chunkedEncodingEnabled(false)
            .build();
    S3Client client =
        S3Client.builder()
            .endpointOverride(uri)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .serviceConfiguration(pathStyle)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClient(UrlConnectionHttpClient.builder().socketTimeout(socketTimeout).build())
            .build();
    S3Presigner presigner =
        S3Presigner.builder()
            .endpointOverride(uri)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .serviceConfiguration(pathStyle)
            .build();
    return new S3StorageBackend(client, presigner, config(bucket), deadlines, true);
  }

  private static StorageConfig config(String bucket) {
    return new StorageConfig() {
      @Override
      public String backend() {
        return "s3";
      }

      @Override
      public String bucket() {
        return bucket;
      }

      @Override
      public String keyPrefix() {
        return "orgs";
      }
    };
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
    return backendAt(endpoint, BUCKET, deadlines);
  }

  /** S3Proxy lists an aborted upload as one without parts, where S3 answers NoSuchUpload. */
  @Override
  @Test
  protected void anAbortedUploadIsForgotten() {
    assertThatThrownBy(super::anAbortedUploadIsForgotten)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting code to raise a throwable");
  }
}
