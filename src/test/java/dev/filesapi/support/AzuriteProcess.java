package dev.filesapi.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Microsoft's Azure Storage emulator, Azurite (npm {@code azurite} 3.37.0), its blob service alone
 * on a free port of 127.0.0.1, in strict mode, its data in a temporary directory that {@link
 * #close} deletes. The account is Azurite's well-known development one.
 *
 * <p>The launcher is {@code azurite-blob}, found at {@code FILES_TEST_AZURITE_BIN}, else on the
 * {@code PATH}. Tests on Azurite carry
 * {@code @EnabledIf("dev.filesapi.support.AzuriteProcess#runnable")}: skipped where Azurite is not
 * installed, except in CI ({@code CI} or {@code FILES_TEST_AZURITE=required}, as {@code .ci/run}
 * sets after installing it), where they fail with what to install.
 */
public final class AzuriteProcess implements AutoCloseable {
  public static final String ACCOUNT = "devstoreaccount1";
  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String INSTALL =
      "npm install --prefix /opt/files-azurite azurite@3.37.0, then set"
          + " FILES_TEST_AZURITE_BIN=/opt/files-azurite/node_modules/.bin/azurite-blob";

  private final Path dir;
  private final int port;
  private final Process process;
  private final Thread onExit;

  private AzuriteProcess(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.onExit = new Thread(process::destroyForcibly, "azurite-kill");
  }

  /** The launcher, when installed. */
  static Path launcher() {
    String configured = System.getenv("FILES_TEST_AZURITE_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "azurite-blob");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return Path.of("/opt/files-azurite/node_modules/.bin/azurite-blob");
  }

  public static boolean available() {
    return Files.isExecutable(launcher());
  }

  /** Whether tests on Azurite run: it is installed, or this is CI, where missing is a failure. */
  public static boolean runnable() {
    String ci = System.getenv("CI");
    return available()
        || "required".equals(System.getenv("FILES_TEST_AZURITE"))
        || (ci != null && !ci.isBlank() && !"false".equals(ci));
  }

  /** Starts Azurite's blob service; it answers when this returns. */
  public static AzuriteProcess start() throws IOException, InterruptedException {
    if (!available()) {
      throw new IllegalStateException("Azurite is not installed at " + launcher() + ": " + INSTALL);
    }
    Path dir = Files.createTempDirectory("files-azurite-");
    int port = PostgresProcess.freePort();
    Process process =
        new ProcessBuilder(
                launcher().toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                Integer.toString(port),
                "--location",
                dir.resolve("data").toString(),
                "--skipApiVersionCheck",
                "--disableTelemetry")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("azurite.log").toFile())
            .start();
    AzuriteProcess azurite = new AzuriteProcess(dir, port, process);
    Runtime.getRuntime().addShutdownHook(azurite.onExit);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        String log = Files.readString(dir.resolve("azurite.log"));
        azurite.close();
        throw new IOException("Azurite exited with " + process.exitValue() + ":\n" + log);
      }
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return azurite;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          azurite.close();
          throw new IOException("Azurite did not listen within " + START_TIMEOUT, notYet);
        }
        Thread.sleep(50); // polling a port, bounded by the deadline
      }
    }
  }

  public int port() {
    return port;
  }

  /** The blob endpoint, path-style: {@code http://127.0.0.1:PORT/devstoreaccount1}. */
  public String blobEndpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** The connection string Azure's tools would show for this emulator. */
  public String connectionString() {
    return connectionString(blobEndpoint());
  }

  /** The same account at another endpoint (a relay, a closed port). */
  public static String connectionString(String blobEndpoint) {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + KEY
        + ";BlobEndpoint="
        + blobEndpoint
        + ";";
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
