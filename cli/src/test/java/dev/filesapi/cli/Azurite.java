package dev.filesapi.cli;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Azurite's blob service (npm {@code azurite} 3.37.0) on a free port with one container, for the
 * tool's tests against the service on Azure. Found as the service's tests find it ({@code
 * FILES_TEST_AZURITE_BIN}, else {@code azurite-blob} on the PATH, else where {@code .ci/run}
 * installs it); the tool is its own build, so this is a small copy of the service's {@code
 * AzuriteProcess}, with the one signed call a test needs (creating the container).
 */
final class Azurite {
  private static final String ACCOUNT = "devstoreaccount1";
  private static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  private static Azurite instance;

  private final int port;

  private Azurite(int port) {
    this.port = port;
  }

  static Path launcher() {
    String configured = System.getenv("FILES_TEST_AZURITE_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "azurite-blob");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return Path.of("/opt/files-azurite/node_modules/.bin/azurite-blob");
  }

  /**
   * Installed, or required (CI, as the service's AzuriteProcess decides): where it is required and
   * missing, the test fails.
   */
  static boolean runnable() {
    String ci = System.getenv("CI");
    return Files.isExecutable(launcher())
        || "required".equals(System.getenv("FILES_TEST_AZURITE"))
        || (ci != null && !ci.isBlank() && !"false".equals(ci));
  }

  static synchronized Azurite get() throws Exception {
    if (instance == null) {
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      Path dir = Files.createTempDirectory("files-cli-azurite");
      Process process =
          new ProcessBuilder(
                  launcher().toString(),
                  "--blobHost",
                  "127.0.0.1",
                  "--blobPort",
                  Integer.toString(port),
                  "--location",
                  dir.resolve("data").toString(),
                  "--disableTelemetry")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("azurite.log").toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (true) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
          break;
        } catch (IOException notYet) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            throw new IOException(
                "Azurite did not start:\n" + Files.readString(dir.resolve("azurite.log")), notYet);
          }
          Thread.sleep(50); // polling a port, bounded by the deadline
        }
      }
      instance = new Azurite(port);
      instance.createContainer();
    }
    return instance;
  }

  String container() {
    return "files";
  }

  String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + KEY
        + ";BlobEndpoint=http://127.0.0.1:"
        + port
        + "/"
        + ACCOUNT
        + ";";
  }

  /** Create Container, signed with the account key (Shared Key). */
  private void createContainer() throws Exception {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME
            .withLocale(Locale.US)
            .format(ZonedDateTime.now(ZoneOffset.UTC));
    String toSign =
        "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:"
            + date
            + "\nx-ms-version:2021-08-06\n/"
            + ACCOUNT
            + "/"
            + ACCOUNT
            + "/"
            + container()
            + "\nrestype:container";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(KEY), "HmacSHA256"));
    String signature =
        Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    URI uri =
        URI.create(
            "http://127.0.0.1:" + port + "/" + ACCOUNT + "/" + container() + "?restype=container");
    HttpURLConnection put = (HttpURLConnection) uri.toURL().openConnection();
    put.setRequestMethod("PUT");
    put.setDoOutput(true);
    put.setFixedLengthStreamingMode(0); // Content-Length: 0
    put.setRequestProperty("x-ms-date", date);
    put.setRequestProperty("x-ms-version", "2021-08-06");
    put.setRequestProperty("Authorization", "SharedKey " + ACCOUNT + ":" + signature);
    put.getOutputStream().close();
    int status = put.getResponseCode();
    if (status != 201) {
      throw new IOException("Azurite refused to create the container: HTTP " + status);
    }
  }
}
