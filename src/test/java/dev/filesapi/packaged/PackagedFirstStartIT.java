package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.PackagedApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger's first start (issue 27): the packaged jar with the embedded default in an empty
 * directory starts without a single WARN line, and keeps the keys it generated (the API key and the
 * webhook secret key) in owner-only files, never in the log.
 */
class PackagedFirstStartIT {

  @Test
  void aFirstStartIsQuietAndKeepsItsKeys(@TempDir Path home) throws Exception {
    List<String> options =
        List.of("-Dfiles.embedded=true", "-Dfiles.embedded.dir=" + home.toAbsolutePath());
    try (PackagedApp app = PackagedApp.start("packaged-first-start-", options)) {
      app.awaitReady(Duration.ofMinutes(2));
      String log = app.log();
      assertThat(log.lines().filter(line -> line.contains(" WARN "))).as(app.report()).isEmpty();
      assertThat(log).contains("Files API is running with the embedded default");

      Path secretKeyFile = home.resolve("webhook-secret-key");
      String secretKey = Files.readString(secretKeyFile, StandardCharsets.UTF_8).trim();
      assertThat(Base64.getDecoder().decode(secretKey)).hasSize(32);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretKeyFile)))
          .isEqualTo("rw-------");
      String apiKey = Files.readString(home.resolve("api-key"), StandardCharsets.UTF_8).trim();
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("api-key"))))
          .isEqualTo("rw-------");
      assertThat(log).doesNotContain(secretKey).doesNotContain(apiKey);
    }
  }
}
