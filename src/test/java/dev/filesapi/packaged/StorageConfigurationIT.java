package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.support.PackagedApp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A wrong storage configuration stops the packaged service at start, with a message naming the
 * settings, rather than failing its first upload.
 */
class StorageConfigurationIT {
  private static EmbeddedDatabase database;

  @BeforeAll
  static void startDatabase() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void gcsHmacAccessIdWithoutItsSecretStopsTheStart() throws Exception {
    Started run =
        start(
            "-Dfiles.storage.backend=gcs",
            "-Dfiles.gcs.project-id=test-project",
            "-Dfiles.gcs.host=http://127.0.0.1:1",
            "-Dfiles.gcs.hmac.access-id=GOOG1EXAMPLE");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.log())
        .contains("files.gcs.hmac.access-id and files.gcs.hmac.secret go together");
  }

  @Test
  void gcsCredentialsThatCannotSignOfflineStopTheStart() throws Exception {
    Started run =
        start(
            "-Dfiles.storage.backend=gcs",
            "-Dfiles.gcs.project-id=test-project",
            "-Dfiles.gcs.host=http://127.0.0.1:1");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.log()).contains("GCS part URLs must be signed locally");
  }

  @Test
  void anUnknownBackendStopsTheStart() throws Exception {
    Started run = start("-Dfiles.storage.backend=swift");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.log()).contains("files.storage.backend must be s3, gcs or azure, not 'swift'");
  }

  @Test
  void azureWithoutAnAccountKeyStopsTheStartWithoutEchoingTheString() throws Exception {
    Started missing = start("-Dfiles.storage.backend=azure");
    Started sasOnly =
        start(
            "-Dfiles.storage.backend=azure",
            "-Dfiles.storage.azure.connection-string=BlobEndpoint=https://a.blob.core.windows.net;"
                + "SharedAccessSignature=sv=2021-08-06&sig=not-to-be-logged");

    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.log())
        .contains(
            "files.storage.backend=azure needs files.storage.azure.connection-string"
                + " (env FILES_STORAGE_AZURE_CONNECTION_STRING)");
    assertThat(sasOnly.exitCode()).isNotZero();
    assertThat(sasOnly.log())
        .contains("files.storage.azure.connection-string must name AccountName and AccountKey")
        .doesNotContain("not-to-be-logged");
  }

  private record Started(int exitCode, String log) {}

  private static Started start(String... settings) throws Exception {
    List<String> options = new ArrayList<>(PackagedApp.databaseSettings(database));
    options.add("-Dfiles.storage.bucket=configuration-test");
    options.add("-Dquarkus.s3.aws.region=us-east-1");
    options.addAll(List.of(settings));
    PackagedApp app = PackagedApp.start("storage-configuration-", options);
    if (!app.process().waitFor(120, TimeUnit.SECONDS)) {
      app.close();
      throw new AssertionError("the service started instead of refusing:\n" + app.log());
    }
    return new Started(app.process().exitValue(), app.log());
  }
}
