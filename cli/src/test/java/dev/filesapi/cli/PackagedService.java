package dev.filesapi.cli;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged service ({@code ../target/quarkus-app/quarkus-run.jar}) on its embedded default (its
 * own PostgreSQL and S3 store), started once for all the tests in a temporary working directory, on
 * a free port, with 5 MiB parts (so a few MiB make several parts) and a quota of 100 MB per file
 * (so "too large" needs no large file). {@link #onAzure} starts a second one whose store is an
 * Azure Blob container (Azurite).
 */
final class PackagedService {
  static final long MAX_FILE_BYTES = 100_000_000L;

  private static final Pattern LISTENING = Pattern.compile("Listening on: https?://[^\\s]*:(\\d+)");
  private static PackagedService instance;
  private static PackagedService onAzure;

  final Process process;
  final Path dir;
  final Path log;
  final URI root;
  final String key;

  private PackagedService(Process process, Path dir, Path log, URI root, String key) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.root = root;
    this.key = key;
  }

  /** The banner's API address, {@code http://127.0.0.1:PORT/v1}. */
  String apiUrl() {
    return root + "v1";
  }

  static synchronized PackagedService get() throws Exception {
    if (instance == null) {
      instance = start(Map.of());
    }
    return instance;
  }

  /** The service on its embedded PostgreSQL with an Azure Blob container as its store. */
  static synchronized PackagedService onAzure(Azurite azurite) throws Exception {
    if (onAzure == null) {
      onAzure =
          start(
              Map.of(
                  "FILES_STORAGE_BACKEND", "azure",
                  "FILES_STORAGE_BUCKET", azurite.container(),
                  "FILES_STORAGE_AZURE_CONNECTION_STRING", azurite.connectionString()));
    }
    return onAzure;
  }

  private static PackagedService start(Map<String, String> settings) throws Exception {
    Path jar =
        Path.of(System.getProperty("files.app.jar", "../target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: package the service first (./mvnw -o -B package -DskipTests)");
    }
    Path dir = Files.createTempDirectory("files-cli-it");
    Path log = dir.resolve("service.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                jar.toAbsolutePath().toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("FILES_") || k.startsWith("QUARKUS_"));
    builder.environment().put("QUARKUS_HTTP_PORT", "0");
    builder.environment().put("FILES_UPLOAD_PART_SIZE", "5M");
    builder.environment().put("FILES_QUOTA_MAX_FILE_BYTES", Long.toString(MAX_FILE_BYTES));
    builder.environment().putAll(settings);
    Process process = builder.start();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    HttpClient http = HttpClient.newHttpClient();
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited:\n" + Files.readString(log));
      }
      Matcher m = LISTENING.matcher(Files.readString(log));
      Path keyFile = dir.resolve(".files-api/api-key");
      if (m.find() && Files.isRegularFile(keyFile)) {
        URI root = URI.create("http://127.0.0.1:" + m.group(1) + "/");
        try {
          int status =
              http.send(
                      HttpRequest.newBuilder(root.resolve("q/health/ready")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (status == 200) {
            PackagedService started =
                new PackagedService(
                    process,
                    dir,
                    log,
                    root,
                    Files.readString(keyFile, StandardCharsets.UTF_8).trim());
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
            return started;
          }
        } catch (IOException notYet) {
          // polling
        }
      }
      Thread.sleep(250);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the service did not start in time:\n" + Files.readString(log));
  }

  /** GET of an API path with the key, the body as text. */
  String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(apiUrl() + "/" + path))
                    .header("Authorization", "Bearer " + key)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(path + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
