package dev.filesapi.support;

import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged application ({@code files.app.jar}, the fast-jar failsafe passes, or the native
 * executable) run as a child process on a port it picks itself ({@code quarkus.http.port=0}),
 * without the embedded default, its console (stdout and stderr) going to a temporary file. The one
 * launcher of every packaged IT, directly or through {@link PackagedService}.
 */
public final class PackagedApp implements AutoCloseable {
  /** Quarkus' start line, plain or inside a JSON log record: the port actually bound. */
  private static final Pattern LISTENING =
      Pattern.compile("Listening on: https?://[^\\s\",]*:(\\d+)");

  /** How much of the log a failure message carries: its end, where the cause usually is. */
  private static final int LOG_TAIL_CHARS = 40_000;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path log;

  private PackagedApp(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The settings pointing the application at this database. */
  public static List<String> databaseSettings(EmbeddedDatabase database) {
    return List.of(
        "-Dquarkus.datasource.jdbc.url=" + database.jdbcUrl(),
        "-Dquarkus.datasource.username=" + database.username(),
        "-Dquarkus.datasource.password=" + database.password());
  }

  /** The settings pointing the application at this S3 server's bucket. */
  public static List<String> storeSettings(EmbeddedStore store, String bucket) {
    return List.of(
        "-Dfiles.storage.bucket=" + bucket,
        "-Dquarkus.s3.endpoint-override=" + store.endpoint(),
        "-Dquarkus.s3.path-style-access=true",
        "-Dquarkus.s3.aws.region=us-east-1",
        "-Dquarkus.s3.aws.credentials.type=static",
        "-Dquarkus.s3.aws.credentials.static-provider.access-key-id=" + store.accessKey(),
        "-Dquarkus.s3.aws.credentials.static-provider.secret-access-key=" + store.secretKey());
  }

  /**
   * Starts the built application with these options: {@code java <options> -jar <jar>} with this
   * JVM's java, or the native executable when the build made one ({@code -Dnative}: {@code
   * target/quarkus-artifact.properties} names it, and it takes the same {@code -D} options). The
   * options come after the defaults (a free port, no embedded default), so they can override them.
   */
  public static PackagedApp start(String logPrefix, List<String> options) throws IOException {
    Optional<Path> executable = nativeExecutable();
    String jar = System.getProperty("files.app.jar", "target/quarkus-app/quarkus-run.jar");
    if (executable.isEmpty() && !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(jar + " is missing: package the application first");
    }
    List<String> command = new ArrayList<>();
    command.add(
        executable
            .map(Path::toString)
            .orElseGet(() -> ProcessHandle.current().info().command().orElse("java")));
    command.add("-Dquarkus.http.port=0");
    command.add("-Dfiles.embedded=false");
    command.addAll(options);
    if (executable.isEmpty()) {
      command.add("-jar");
      command.add(jar);
    }
    Path log = Files.createTempFile(logPrefix, ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // No Application Default Credentials, and no probing for a metadata server.
    builder.environment().remove("GOOGLE_APPLICATION_CREDENTIALS");
    builder.environment().put("NO_GCE_CHECK", "true");
    return new PackagedApp(builder.start(), log);
  }

  /** The native executable the last build made, if it made one instead of the fast-jar. */
  private static Optional<Path> nativeExecutable() throws IOException {
    Path artifact = Path.of("target", "quarkus-artifact.properties");
    if (!Files.isRegularFile(artifact)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (var in = Files.newInputStream(artifact)) {
      properties.load(in);
    }
    if (!"native".equals(properties.getProperty("type"))) {
      return Optional.empty();
    }
    return Optional.of(Path.of("target").resolve(properties.getProperty("path")).toAbsolutePath());
  }

  /**
   * Waits, polling until the deadline, for the start line to name the port and then for {@code
   * /q/health/ready} to answer 200; returns the base URI. Fails, with the log, if the process exits
   * or the deadline passes first.
   */
  public URI awaitReady(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Integer port = null;
    int lastStatus = -1;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("the service exited during start-up\n" + report());
      }
      if (port == null) {
        Matcher listening = LISTENING.matcher(log());
        if (listening.find()) {
          port = Integer.valueOf(listening.group(1));
        }
      }
      if (port != null) {
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
          lastStatus =
              HTTP.send(
                      HttpRequest.newBuilder(base.resolve("/q/health/ready"))
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (lastStatus == 200) {
            return base;
          }
        } catch (IOException notAnsweringYet) {
          // keep polling
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the service was not ready within "
            + timeout
            + (port == null
                ? " (no port in its log)"
                : " (last readiness status " + lastStatus + ")")
            + "\n"
            + report());
  }

  public Process process() {
    return process;
  }

  /** Everything the process printed so far. */
  public String log() throws IOException {
    return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
  }

  /** Whether the process runs, and the end of its log: for failure messages. */
  public String report() {
    String state = process.isAlive() ? "running" : "exited with status " + process.exitValue();
    String text;
    try {
      text = log();
    } catch (IOException e) {
      text = "(could not read " + log + ": " + e + ")";
    }
    String shown =
        text.length() <= LOG_TAIL_CHARS
            ? text
            : "[… "
                + (text.length() - LOG_TAIL_CHARS)
                + " characters before …]\n"
                + text.substring(text.length() - LOG_TAIL_CHARS);
    return "--- service (pid " + process.pid() + ", " + state + "), log " + log + " ---\n" + shown;
  }

  /**
   * Closes each resource that is not null, in order, every one even when an earlier one fails; the
   * first failure is thrown with the later ones suppressed. For a test's {@code @AfterAll}: the
   * services first, then the store and the database they used.
   */
  public static void closeAll(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Stops the process: SIGTERM, then SIGKILL if it has not ended within 20 seconds. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }
}
