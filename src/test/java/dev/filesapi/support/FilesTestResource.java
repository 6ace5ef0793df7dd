package dev.filesapi.support;

import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jclouds.blobstore.BlobStore;

/**
 * A real PostgreSQL (zonky's binaries) and a real S3 server (S3Proxy in this JVM, checking SigV4
 * signatures), started once for all tests on free ports.
 *
 * <p>Test classes that need another setup pass {@code initArgs} (each combination is its own
 * application start): {@link #STOCK_S3PROXY}, {@link #THROUGH_PROXY}, {@link #SERVICE_SECRET_KEY}
 * for the store; {@code database=restartable} keeps PostgreSQL's data in a directory, so that a
 * test can stop it and start it again on the same port with the same data (such a test has its own
 * profile, so its database is not the one other test classes share).
 */
public class FilesTestResource implements QuarkusTestResourceLifecycleManager {
  public static final String API_KEY = "fk_live_testkey0000000000000000000000000000000";
  public static final String BUCKET = "files-test";
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
  public static final String DATABASE = "database";
  public static final String RESTARTABLE = "restartable";
  public static final String STORE_SECRET_KEY = "test-secret-key";

  /** {@code "true"}: S3Proxy with its stock settings, answering unknown x-amz-* headers 501. */
  public static final String STOCK_S3PROXY = "stock-s3proxy";

  /** {@code "true"}: the service reaches the store through a {@link FreezableProxy}. */
  public static final String THROUGH_PROXY = "through-proxy";

  /**
   * {@code "true"}: S3Proxy over a temporary directory (jclouds' filesystem store, as the embedded
   * default runs it: a complete copies the parts' bytes), deleted at the end.
   */
  public static final String ON_DISK = "on-disk";

  /** The secret key the service signs with, when it is to differ from the store's. */
  public static final String SERVICE_SECRET_KEY = "service-secret-key";

  private static final Map<String, AtomicLong> STORE_CALLS = new ConcurrentHashMap<>();

  private static EmbeddedDatabase database;
  private static Path databaseDirectory;
  private static boolean databaseStopped;
  private static EmbeddedStore store;
  private static FreezableProxy storeProxy;
  private static Path storeDirectory;

  private Map<String, String> args = Map.of();
  private boolean restartable;

  @Override
  public void init(Map<String, String> initArgs) {
    this.args = Map.copyOf(initArgs);
    restartable = RESTARTABLE.equals(initArgs.get(DATABASE));
  }

  @Override
  public Map<String, String> start() {
    OpenApiConformance.install();
    try {
      if (restartable) {
        databaseDirectory = Files.createTempDirectory("files-test-postgres");
        database = EmbeddedDatabase.start(Optional.of(databaseDirectory));
      } else {
        database = EmbeddedDatabase.start(Optional.empty());
      }
      if (Boolean.parseBoolean(args.get(ON_DISK))) {
        storeDirectory = Files.createTempDirectory("files-test-objects");
      }
      store =
          (storeDirectory == null
                  ? EmbeddedStore.inMemory("test-access-key", STORE_SECRET_KEY)
                  : EmbeddedStore.onDisk(storeDirectory, "test-access-key", STORE_SECRET_KEY))
              .decorated(FilesTestResource::counting)
              .ignoringUnknownHeaders(!Boolean.parseBoolean(args.get(STOCK_S3PROXY)))
              .start(0, BUCKET);
      if (Boolean.parseBoolean(args.get(THROUGH_PROXY))) {
        storeProxy = FreezableProxy.start(() -> store.port());
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not start PostgreSQL and S3Proxy for the tests", e);
    }
    Map<String, String> config = new HashMap<>(serviceSettings(database));
    config.put("files.storage.bucket", BUCKET);
    config.put(
        "quarkus.s3.endpoint-override",
        storeProxy == null ? store.endpoint() : storeProxy.endpoint());
    config.put("quarkus.s3.path-style-access", "true");
    config.put("quarkus.s3.aws.region", "us-east-1");
    config.put("quarkus.s3.aws.credentials.type", "static");
    config.put("quarkus.s3.aws.credentials.static-provider.access-key-id", store.accessKey());
    config.put(
        "quarkus.s3.aws.credentials.static-provider.secret-access-key",
        args.getOrDefault(SERVICE_SECRET_KEY, store.secretKey()));
    return config;
  }

  /**
   * What every test resource gives the service besides its store: this database, the bootstrap API
   * key and the admin token of the tests.
   */
  public static Map<String, String> serviceSettings(EmbeddedDatabase database) {
    return Map.of(
        "quarkus.datasource.jdbc.url", database.jdbcUrl(),
        "quarkus.datasource.username", database.username(),
        "quarkus.datasource.password", database.password(),
        "files.bootstrap.api-key", API_KEY,
        "files.admin.token", ADMIN_TOKEN);
  }

  /** The S3 server, for tests that look into the bucket or stop the store. */
  public static EmbeddedStore store() {
    return store;
  }

  /** The relay between the service and the store, with {@link #THROUGH_PROXY}. */
  public static FreezableProxy storeProxy() {
    if (storeProxy == null) {
      throw new IllegalStateException("this test class did not ask for " + THROUGH_PROXY);
    }
    return storeProxy;
  }

  /**
   * How many times S3Proxy called this BlobStore method (e.g. {@code completeMultipartUpload}, once
   * per CompleteMultipartUpload request reaching the store) since the store started. Tests share
   * the store: compare deltas taken around what they do, not absolute values.
   */
  public static long storeCalls(String method) {
    AtomicLong count = STORE_CALLS.get(method);
    return count == null ? 0 : count.get();
  }

  /**
   * Stops the S3 server: its port refuses connections until {@link #startStore}. A test that calls
   * this must call startStore in a finally block or an @AfterEach, or later tests fail.
   */
  public static synchronized void stopStore() {
    try {
      store.stop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop S3Proxy", e);
    }
  }

  /** Serves the same data again on the same port; does nothing if the store is running. */
  public static synchronized void startStore() {
    if (store.isRunning()) {
      return;
    }
    try {
      store.start(store.port(), BUCKET);
    } catch (Exception e) {
      throw new IllegalStateException("could not restart S3Proxy on port " + store.port(), e);
    }
  }

  /**
   * Stops PostgreSQL (a fast shutdown: open connections are ended): its port refuses connections
   * until {@link #startDatabase}. Only for a restartable database; call startDatabase in a finally
   * block.
   */
  public static synchronized void stopDatabase() {
    requireRestartable();
    try {
      database.close();
      databaseStopped = true;
    } catch (IOException e) {
      throw new IllegalStateException("could not stop PostgreSQL", e);
    }
  }

  /** Starts PostgreSQL again on the same port with the same data; nothing if it is running. */
  public static synchronized void startDatabase() {
    requireRestartable();
    if (!databaseStopped) {
      return;
    }
    try {
      database = EmbeddedDatabase.start(Optional.of(databaseDirectory), database.port());
      databaseStopped = false;
    } catch (IOException e) {
      throw new IllegalStateException("could not restart PostgreSQL on port " + database.port(), e);
    }
  }

  /** The port PostgreSQL listens on (and listens on again after a restart). */
  public static int databasePort() {
    return database.port();
  }

  private static void requireRestartable() {
    if (databaseDirectory == null) {
      throw new IllegalStateException(
          "the shared database cannot be stopped: start FilesTestResource with "
              + DATABASE
              + "="
              + RESTARTABLE);
    }
  }

  /** The BlobStore S3Proxy serves, counting each method called on it. */
  private static BlobStore counting(BlobStore target) {
    return BlobStoreCalls.before(
        target,
        name -> STORE_CALLS.computeIfAbsent(name, key -> new AtomicLong()).incrementAndGet());
  }

  @Override
  public void stop() {
    try {
      if (storeProxy != null) {
        storeProxy.close();
      }
      if (store != null) {
        store.close();
      }
      if (database != null) {
        database.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping test servers failed", e);
    } finally {
      storeProxy = null;
      store = null;
      database = null;
      databaseStopped = false;
      deleteDatabaseDirectory();
      deleteStoreDirectory();
    }
  }

  private static void deleteStoreDirectory() {
    if (storeDirectory == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(storeDirectory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException("could not delete " + storeDirectory, e);
    } finally {
      storeDirectory = null;
    }
  }

  private static void deleteDatabaseDirectory() {
    if (databaseDirectory == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(databaseDirectory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException("could not delete " + databaseDirectory, e);
    } finally {
      databaseDirectory = null;
    }
  }
}
