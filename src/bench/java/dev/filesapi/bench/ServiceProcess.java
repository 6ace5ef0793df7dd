package dev.filesapi.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service as a child process of a benchmark, on a free port of 127.0.0.1, its output
 * in a log file. Ready once {@code GET /v1/files/info} answers 200 with the bootstrap key.
 */
final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final String base;
  private final Path log;

  private ServiceProcess(Process process, String base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  /**
   * Starts the jar with the given JVM options and {@code -D} settings (besides the port and the
   * bootstrap key) and waits until it is ready.
   */
  static ServiceProcess start(
      Path jar, List<String> jvmOptions, List<String> settings, String apiKey, Path log)
      throws Exception {
    ServiceProcess service =
        launch(
            ProcessHandle.current().info().command().orElse("java"),
            jar,
            jvmOptions,
            settings,
            apiKey,
            log);
    try {
      service.awaitReady(apiKey, Duration.ofMillis(200));
    } catch (Exception | Error e) {
      service.close();
      throw e;
    }
    return service;
  }

  /**
   * Starts the jar with the given {@code java} binary, JVM options and {@code -D} settings (besides
   * the port and the bootstrap key), without waiting: {@link #awaitReady} does.
   */
  static ServiceProcess launch(
      String java,
      Path jar,
      List<String> jvmOptions,
      List<String> settings,
      String apiKey,
      Path log)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dfiles.bootstrap.api-key=" + apiKey);
    command.addAll(settings);
    command.add("-jar");
    command.add(jar.toString());
    Path logFile = log.toAbsolutePath();
    Files.createDirectories(logFile.getParent());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    return new ServiceProcess(process, "http://127.0.0.1:" + port, logFile);
  }

  /** Polls {@code GET /v1/files/info} every {@code interval} until it answers 200. */
  void awaitReady(String apiKey, Duration interval) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited during start-up; see " + log);
      }
      try {
        HttpResponse<Void> info =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/files/info"))
                    .header("Authorization", "Bearer " + apiKey)
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (info.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // keep polling
      }
      Thread.sleep(interval.toMillis());
    }
    throw new IllegalStateException("the service did not become ready; see " + log);
  }

  /**
   * The settings that point the service at an external PostgreSQL and an S3-compatible store with
   * static credentials (path-style), the embedded default off.
   */
  static List<String> externalSettings(
      String jdbcUrl,
      String username,
      String password,
      String storeEndpoint,
      String bucket,
      String accessKey,
      String secretKey) {
    return List.of(
        "-Dfiles.embedded=false",
        "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
        "-Dquarkus.datasource.username=" + username,
        "-Dquarkus.datasource.password=" + password,
        "-Dfiles.storage.bucket=" + bucket,
        "-Dquarkus.s3.endpoint-override=" + storeEndpoint,
        "-Dquarkus.s3.path-style-access=true",
        "-Dquarkus.s3.aws.credentials.type=static",
        "-Dquarkus.s3.aws.credentials.static-provider.access-key-id=" + accessKey,
        "-Dquarkus.s3.aws.credentials.static-provider.secret-access-key=" + secretKey);
  }

  /** Deletes a benchmark's working directory and everything in it. */
  static void deleteTree(Path root) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** {@code http://127.0.0.1:PORT} */
  String base() {
    return base;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** SIGTERM, then waits up to {@code patience} for the process to end; true when it did. */
  boolean terminate(Duration patience) throws InterruptedException {
    process.destroy();
    return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGTERM, then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
