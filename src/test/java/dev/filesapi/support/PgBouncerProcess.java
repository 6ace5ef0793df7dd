package dev.filesapi.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PgBouncer ({@code /usr/sbin/pgbouncer}, 1.18) in <b>transaction pooling</b> in front of
 * one PostgreSQL database, on a free port, with few server connections so that consecutive
 * transactions of one client land on different server connections. Runs as the {@code postgres}
 * user when the test runs as root (PgBouncer refuses root).
 */
public final class PgBouncerProcess implements AutoCloseable {
  private static final Path BINARY =
      Path.of(System.getProperty("files.test.pgbouncer", "/usr/sbin/pgbouncer"));

  private final Path dir;
  private final int port;
  private final String database;
  private final Process process;

  private PgBouncerProcess(Path dir, int port, String database, Process process) {
    this.dir = dir;
    this.port = port;
    this.database = database;
    this.process = process;
  }

  /** Whether PgBouncer is installed, for a test's assumption (CI installs it: .ci/run). */
  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts PgBouncer in transaction pooling, serving database through at most serverConnections
   * connections to server.
   */
  public static PgBouncerProcess start(
      PostgresProcess server, String database, int serverConnections)
      throws IOException, InterruptedException {
    Path dir = PostgresProcess.workDirectory("pgbouncer");
    int port = PostgresProcess.freePort();
    Path users = dir.resolve("userlist.txt");
    Files.writeString(users, "\"" + PostgresProcess.USER + "\" \"\"\n", StandardCharsets.UTF_8);
    Path ini = dir.resolve("pgbouncer.ini");
    Files.writeString(
        ini,
        String.join(
            "\n",
            "[databases]",
            database
                + " = host=127.0.0.1 port="
                + server.port()
                + " dbname="
                + database
                + " user="
                + PostgresProcess.USER,
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            "listen_port = " + port,
            "unix_socket_dir = " + dir,
            "pidfile = " + dir.resolve("pgbouncer.pid"),
            "auth_type = trust",
            "auth_file = " + users,
            "pool_mode = transaction",
            "default_pool_size = " + serverConnections,
            "max_client_conn = 500",
            ""),
        StandardCharsets.UTF_8);
    for (Path file : new Path[] {users, ini}) {
      file.toFile().setReadable(true, false);
    }
    Process process =
        PostgresProcess.spawn(dir.resolve("pgbouncer.log"), BINARY.toString(), ini.toString());
    PgBouncerProcess bouncer = new PgBouncerProcess(dir, port, database, process);
    bouncer.awaitListening(Duration.ofSeconds(20));
    return bouncer;
  }

  private void awaitListening(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("pgbouncer exited at start:\n" + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("pgbouncer did not listen within " + timeout + ":\n" + log());
  }

  /** The pooler's plain JDBC URL, as an operator would write it (no extra parameters). */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("pgbouncer.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    PostgresProcess.deleteTree(dir);
  }
}
