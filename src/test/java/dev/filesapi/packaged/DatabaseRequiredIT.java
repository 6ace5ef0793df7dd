package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.PackagedApp;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A start with no database configured (no {@code QUARKUS_DATASOURCE_JDBC_URL}, no embedded default;
 * only a bucket) stops with one line naming the setting and the docs, and a non-zero exit code: not
 * Quarkus' "Bean is not active" stack (DatabaseRequired). The default build's jar with {@code
 * files.embedded=false} starts through the same entry point as a production build.
 */
class DatabaseRequiredIT {

  @Test
  void aStartWithoutADatabaseUrlStopsWithOneLine() throws Exception {
    List<String> options =
        List.of("-Dfiles.storage.bucket=no-database", "-Dquarkus.s3.aws.region=us-east-1");
    PackagedApp app = PackagedApp.start("database-required-", options);
    if (!app.process().waitFor(120, TimeUnit.SECONDS)) {
      app.close();
      throw new AssertionError("the service started without a database:\n" + app.log());
    }
    String log = app.log();

    assertThat(app.process().exitValue()).as(log).isNotZero();
    assertThat(log.lines().filter(line -> !line.isBlank()))
        .as(log)
        .containsExactly(
            "Files API: no database configured: set QUARKUS_DATASOURCE_JDBC_URL"
                + " (quarkus.datasource.jdbc.url; see docs/deployment.md, Production database)");
    assertThat(log).doesNotContain("Exception").doesNotContainPattern("\\sat [\\w.$]+\\(");
  }
}
