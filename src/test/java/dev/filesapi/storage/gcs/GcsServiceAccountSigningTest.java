package dev.filesapi.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RSA signing with a service-account key happens offline (a made-up key, no network). */
class GcsServiceAccountSigningTest {

  @Test
  void signsPartUrlsWithTheServiceAccountKeyLocally() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    ServiceAccountCredentials credentials =
        ServiceAccountCredentials.newBuilder()
            .setClientEmail("files-api@test-project.iam.gserviceaccount.com")
            .setPrivateKey(generator.generateKeyPair().getPrivate())
            .setProjectId("test-project")
            .build();
    GcsUrlSigner signer =
        GcsUrlSigner.serviceAccount(credentials, "https://storage.googleapis.com", "bucket");

    String url =
        signer.sign(
            "PUT",
            "orgs/o/files/f",
            Map.of("partNumber", "1", "uploadId", "up"),
            Instant.now(),
            Duration.ofMinutes(10));

    assertThat(signer.costly()).isTrue();
    assertThat(url)
        .startsWith("https://storage.googleapis.com/bucket/orgs/o/files/f?")
        .contains("X-Goog-Algorithm=GOOG4-RSA-SHA256")
        .contains("partNumber=1")
        .contains("uploadId=up")
        .containsPattern("X-Goog-Signature=[0-9a-f]{512}");
  }
}
