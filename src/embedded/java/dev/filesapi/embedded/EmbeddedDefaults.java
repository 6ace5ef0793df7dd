package dev.filesapi.embedded;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.ApplicationLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The embedded default: a database when no JDBC URL is set, an S3 store when no bucket is set, an
 * API key and a webhook secret key when none is configured. Everything lives under {@code
 * FILES_EMBEDDED_DIR} (default {@code ./.files-api}), so data and the key survive restarts.
 */
public final class EmbeddedDefaults {
  /** JVM-wide marker: dev mode runs main() again on every live reload. */
  static final String STARTED = "files.embedded.started";

  static final String DATABASE = "files.embedded.database";
  static final String STORE = "files.embedded.store";
  static final String KEY_FILE = "files.embedded.key-file";
  private static final String BUCKET = "files";

  /** Longer than any drain delay plus shutdown timeout one would configure. */
  private static final Duration MAX_WAIT_FOR_SERVICE = Duration.ofSeconds(90);

  private EmbeddedDefaults() {}

  static synchronized void startUnconfigured() throws Exception {
    if (System.getProperty(STARTED) != null
        || "false".equalsIgnoreCase(setting("files.embedded"))) {
      return;
    }
    System.setProperty(STARTED, "true");
    Path home = Path.of(Optional.ofNullable(setting("files.embedded.dir")).orElse(".files-api"));
    Files.createDirectories(home);

    if (setting("quarkus.datasource.jdbc.url") == null) {
      EmbeddedDatabase database = EmbeddedDatabase.start(Optional.of(home.resolve("postgres")));
      System.setProperty("quarkus.datasource.jdbc.url", database.jdbcUrl());
      System.setProperty("quarkus.datasource.username", database.username());
      System.setProperty("quarkus.datasource.password", database.password());
      System.setProperty(DATABASE, database.jdbcUrl());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAfterTheService(database)));
    }

    if (setting("files.storage.bucket") == null) {
      Path objects = home.resolve("objects");
      Files.createDirectories(objects);
      String secret = dev.filesapi.database.Ids.randomChars(40);
      EmbeddedStore store = EmbeddedStore.onDisk(objects, "files-api-embedded", secret);
      int port =
          Integer.parseInt(Optional.ofNullable(setting("files.embedded.s3-port")).orElse("0"));
      store.start(port, BUCKET);
      System.setProperty("files.storage.bucket", BUCKET);
      System.setProperty("quarkus.s3.endpoint-override", store.endpoint());
      System.setProperty("quarkus.s3.path-style-access", "true");
      System.setProperty("quarkus.s3.aws.region", "us-east-1");
      System.setProperty("quarkus.s3.aws.credentials.type", "static");
      System.setProperty(
          "quarkus.s3.aws.credentials.static-provider.access-key-id", store.accessKey());
      System.setProperty("quarkus.s3.aws.credentials.static-provider.secret-access-key", secret);
      System.setProperty(STORE, store.endpoint() + " (" + objects.toAbsolutePath() + ")");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAfterTheService(store)));
    }

    // Someone trying the service on a console stops it with Ctrl+C: no drain delay (there is no
    // load balancer to drain); requests in flight still finish (quarkus.shutdown.timeout).
    if (setting("quarkus.shutdown.delay") == null) {
      System.setProperty("quarkus.shutdown.delay", "0S");
    }

    // A person runs the embedded default on a console: plain log lines, not JSON.
    if (setting("quarkus.log.console.json.enabled") == null) {
      System.setProperty("quarkus.log.console.json.enabled", "false");
    }

    if (setting("files.bootstrap.api-key") == null) {
      Path keyFile = home.resolve("api-key");
      System.setProperty(
          "files.bootstrap.api-key",
          readOrCreateKey(keyFile, dev.filesapi.tenancy.ApiKeys::generate));
      System.setProperty(KEY_FILE, keyFile.toAbsolutePath().toString());
    }

    // Webhook signing secrets are stored encrypted from the first start, without the warning a
    // deployment that sets no key gets.
    if (setting("files.webhooks.secret-key") == null) {
      System.setProperty(
          "files.webhooks.secret-key",
          readOrCreateKey(home.resolve("webhook-secret-key"), EmbeddedDefaults::newSecretKey));
    }
  }

  /** Base64 of 32 random bytes: an AES-256 key, as files.webhooks.secret-key takes it. */
  static String newSecretKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** A key kept in a file readable by its owner only: it never goes to the log. */
  static String readOrCreateKey(Path keyFile, Supplier<String> generator) throws IOException {
    if (Files.exists(keyFile)) {
      return Files.readString(keyFile, StandardCharsets.UTF_8).trim();
    }
    String key = generator.get();
    try {
      // Created owner-only, before the key is written into it.
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; the file keeps the directory's defaults
    }
    Files.writeString(keyFile, key + "\n", StandardCharsets.UTF_8);
    return key;
  }

  /** A setting from a system property or its environment-variable form. */
  private static String setting(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      value = System.getenv(property.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
    }
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Stops an embedded part once the service has stopped: JVM shutdown hooks run at the same time as
   * the service's own graceful shutdown, and requests still in flight need the database and the
   * store until they have answered. Waits at most {@link #MAX_WAIT_FOR_SERVICE}.
   */
  private static void closeAfterTheService(AutoCloseable closeable) {
    Application service = ApplicationLifecycleManager.getCurrentApplication();
    if (service != null) {
      Thread waiter = new Thread(service::awaitShutdown, "embedded-await-service-stop");
      waiter.setDaemon(true);
      waiter.start();
      try {
        waiter.join(MAX_WAIT_FOR_SERVICE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeQuietly(closeable);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      System.err.println("embedded default: stopping failed: " + e.getMessage());
    }
  }
}
