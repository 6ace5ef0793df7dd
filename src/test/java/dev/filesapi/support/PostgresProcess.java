package dev.filesapi.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A standalone PostgreSQL 15 server from the system's binaries ({@code /usr/lib/postgresql/15}, or
 * {@code files.test.pg-bin}), in its own temporary directory on a free port, trusting local logins
 * as {@code postgres}. As root, every command runs as the {@code postgres} user (PostgreSQL refuses
 * root). A primary can be given a streaming standby ({@link #startStandby}), which can be promoted.
 */
public final class PostgresProcess implements AutoCloseable {
  public static final String USER = "postgres";

  private static final Path BIN =
      Path.of(System.getProperty("files.test.pg-bin", "/usr/lib/postgresql/15/bin"));
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private final Path dir;
  private final int port;
  private boolean running;

  private PostgresProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Whether the PostgreSQL binaries are there, for a test's assumption. */
  public static boolean available() {
    return Files.isExecutable(BIN.resolve("postgres"));
  }

  /**
   * Starts a new cluster with the given extra server settings ({@code name=value}), ready for
   * streaming replication.
   */
  public static PostgresProcess start(String name, String... settings)
      throws IOException, InterruptedException {
    PostgresProcess server = new PostgresProcess(workDirectory(name), freePort());
    run(
        server.dir,
        BIN.resolve("initdb").toString(),
        "-D",
        server.data().toString(),
        "-U",
        USER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync");
    server.start(settings);
    return server;
  }

  /**
   * A streaming standby of this primary (pg_basebackup -R), started hot. With the primary's {@code
   * synchronous_standby_names='*'} it is synchronous: a commit is acknowledged once it has it.
   */
  public PostgresProcess startStandby(String name, String... settings)
      throws IOException, InterruptedException {
    PostgresProcess standby = new PostgresProcess(workDirectory(name), freePort());
    run(
        standby.dir,
        BIN.resolve("pg_basebackup").toString(),
        "-h",
        "127.0.0.1",
        "-p",
        Integer.toString(port),
        "-U",
        USER,
        "-D",
        standby.data().toString(),
        "-R",
        "-X",
        "stream",
        "--no-sync");
    standby.start(settings);
    return standby;
  }

  private void start(String... settings) throws IOException, InterruptedException {
    List<String> options = new ArrayList<>();
    options.add("-p " + port);
    options.add("-k " + dir);
    options.add("-c listen_addresses=127.0.0.1");
    for (String setting : settings) {
      options.add("-c " + setting);
    }
    run(
        dir,
        BIN.resolve("pg_ctl").toString(),
        "-D",
        data().toString(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        String.join(" ", options),
        "start");
    running = true;
  }

  /** Promotes this standby to a primary and waits until it accepts writes. */
  public void promote() throws IOException, InterruptedException {
    run(dir, BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-w", "promote");
  }

  /** Stops the server: {@code immediate} is a crash (no checkpoint), {@code fast} a clean stop. */
  public void stop(String mode) throws IOException, InterruptedException {
    if (running) {
      running = false;
      run(dir, BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", mode, "stop");
    }
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates a database owned by {@code postgres}. */
  public void createDatabase(String database) throws SQLException {
    execute("postgres", "create database " + database);
  }

  /** Runs one statement in the database as {@code postgres}. */
  public void execute(String database, String sql) throws SQLException {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, "");
  }

  /** The server's log so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("postgres.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the server (immediately) and deletes its directory. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      stop("immediate");
    } catch (IOException alreadyStopped) {
      // nothing runs there any more
    } finally {
      deleteTree(dir);
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** A temporary directory the {@code postgres} user owns. */
  static Path workDirectory(String name) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("files-" + name + "-");
    if (ROOT) {
      exec(List.of("chown", USER + ":", dir.toString()), dir);
    }
    return dir;
  }

  /** Runs a command as the {@code postgres} user (when root), failing with its output. */
  static void run(Path dir, String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (ROOT) {
      full.addAll(List.of("runuser", "-u", USER, "--"));
    }
    full.addAll(List.of(command));
    exec(full, dir);
  }

  /** Starts a long-running command as the {@code postgres} user, its output going to log. */
  static Process spawn(Path log, String... command) throws IOException {
    List<String> full = new ArrayList<>();
    if (ROOT) {
      full.addAll(List.of("runuser", "-u", USER, "--"));
    }
    full.addAll(List.of(command));
    return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void exec(List<String> command, Path dir)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("files-cmd-", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish within 120 s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            command
                + " exited with "
                + process.exitValue()
                + ":\n"
                + Files.readString(output, StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
