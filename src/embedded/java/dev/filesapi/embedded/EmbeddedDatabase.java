package dev.filesapi.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A PostgreSQL server run from the binaries zonky ships on Maven Central. Works as root and as a
 * normal user. With a data directory the data survives restarts; without one it is throw-away.
 * Started again on the same port and data directory, it serves the same data at the same URL.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedDatabase start(Optional<Path> dataDirectory) throws IOException {
    return start(dataDirectory, 0);
  }

  /**
   * @param port the port to listen on; 0 picks a free one
   */
  public static EmbeddedDatabase start(Optional<Path> dataDirectory, int port) throws IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "100");
    if (dataDirectory.isPresent()) {
      builder.setDataDirectory(dataDirectory.get()).setCleanDataDirectory(false);
    } else {
      builder.setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off");
    }
    return new EmbeddedDatabase(builder.start());
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  public int port() {
    return postgres.getPort();
  }

  public String username() {
    return "postgres";
  }

  public String password() {
    return "postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
