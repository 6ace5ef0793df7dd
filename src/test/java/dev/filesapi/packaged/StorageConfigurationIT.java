package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.embedded.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Started run = start("-Dfiles.storage.backend=azure");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.log()).contains("files.storage.backend must be s3 or gcs, not 'azure'");
  }

  private record Started(int exitCode, String log) {}

  private static Started start(String... settings) throws Exception {
    String jar = System.getProperty("files.app.jar", "target/quarkus-app/quarkus-run.jar");
    assertThat(Path.of(jar)).exists();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Dquarkus.http.port=0");
    command.add("-Dfiles.embedded=false");
    command.add("-Dquarkus.datasource.jdbc.url=" + database.jdbcUrl());
    command.add("-Dquarkus.datasource.username=" + database.username());
    command.add("-Dquarkus.datasource.password=" + database.password());
    command.add("-Dfiles.storage.bucket=configuration-test");
    command.add("-Dquarkus.s3.aws.region=us-east-1");
    command.addAll(List.of(settings));
    command.add("-jar");
    command.add(jar);
    Path log = Files.createTempFile("storage-configuration-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // No Application Default Credentials, and no probing for a metadata server.
    builder.environment().remove("GOOGLE_APPLICATION_CREDENTIALS");
    builder.environment().put("NO_GCE_CHECK", "true");
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "the service started instead of refusing:\n" + Files.readString(log));
    }
    return new Started(process.exitValue(), Files.readString(log));
  }
}
