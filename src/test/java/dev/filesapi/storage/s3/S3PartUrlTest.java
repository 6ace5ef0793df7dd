package dev.filesapi.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageConfig;
import dev.filesapi.storage.TestDeadlines;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Where part URLs point: AWS virtual-hosted style, or a custom endpoint in path style. */
class S3PartUrlTest {
  private static final StorageConfig CONFIG =
      new StorageConfig() {
        @Override
        public String backend() {
          return "s3";
        }

        @Override
        public String bucket() {
          return "my-bucket";
        }

        @Override
        public String keyPrefix() {
          return "orgs";
        }
      };

  private static String partUrl(S3ClientBuilder client, boolean pathStyle) {
    try (S3Client s3 = client.build()) {
      S3StorageBackend backend =
          new S3StorageBackend(s3, null, CONFIG, TestDeadlines.DEFAULTS, pathStyle);
      Map<Integer, PresignedUrl> urls =
          backend.presignParts("orgs/o/files/f", "up+id", List.of(0), Duration.ofMinutes(10));
      return urls.get(0).url();
    }
  }

  @Test
  void awsUsesVirtualHostedUrlsInTheClientsRegion() {
    String url =
        partUrl(
            S3Client.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AK", "SK"))),
            false);
    assertThat(url)
        .startsWith("https://my-bucket.s3.eu-west-1.amazonaws.com/orgs/o/files/f?")
        .contains("%2Feu-west-1%2Fs3%2Faws4_request")
        .contains("&partNumber=1&uploadId=up%2Bid&");
  }

  @Test
  void customEndpointsInPathStyleKeepTheirPortAndSessionTokens() {
    String url =
        partUrl(
            S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://minio.local:9000"))
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsSessionCredentials.create("AK", "SK", "TOKEN"))),
            true);
    assertThat(url)
        .startsWith("http://minio.local:9000/my-bucket/orgs/o/files/f?")
        .contains("X-Amz-Security-Token=TOKEN");
  }
}
