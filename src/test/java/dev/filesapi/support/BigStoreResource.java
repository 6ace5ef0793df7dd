package dev.filesapi.support;

import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL and an S3Proxy over the local disk for the big-upload tests (issue 24), the store
 * chosen by the init arg {@link #STORE}:
 *
 * <ul>
 *   <li>{@link #IN_PROCESS}: S3Proxy in the test JVM over a temporary directory, as the embedded
 *       default runs it ({@code EmbeddedStore.onDisk});
 *   <li>{@link #STANDALONE}: S3Proxy 2.6.0 as its own process ({@link S3ProxyProcess}), the service
 *       configured with the README's S3 settings.
 * </ul>
 *
 * {@link #SMALL_PARTS}{@code =true} lets S3Proxy complete parts under 5 MiB ({@link
 * SmallPartsS3Proxy}). The system property {@code files.big.complete-delay} (e.g. {@code 120s})
 * puts the delaying relay ({@link FreezableProxy#delayCompleteAnswers}) between the service and the
 * store. Everything is stopped and every directory deleted at the end.
 */
public class BigStoreResource implements QuarkusTestResourceLifecycleManager {
  public static final String STORE = "store";
  public static final String IN_PROCESS = "in-process";
  public static final String STANDALONE = "standalone";
  public static final String SMALL_PARTS = "small-parts";
  public static final String BUCKET = "big-files";

  private static EmbeddedDatabase database;
  private static EmbeddedStore inProcess;
  private static Path inProcessDirectory;
  private static S3ProxyProcess standalone;
  private static FreezableProxy relay;
  private static String description;

  private Map<String, String> args = Map.of();

  @Override
  public void init(Map<String, String> initArgs) {
    this.args = Map.copyOf(initArgs);
  }

  @Override
  public Map<String, String> start() {
    OpenApiConformance.install();
    boolean smallParts = Boolean.parseBoolean(args.get(SMALL_PARTS));
    Map<String, String> config = new HashMap<>();
    try {
      database = EmbeddedDatabase.start(Optional.empty());
      String endpoint;
      int port;
      if (STANDALONE.equals(args.get(STORE))) {
        standalone =
            smallParts
                ? S3ProxyProcess.startAllowingSmallParts("big-s3proxy", BUCKET)
                : S3ProxyProcess.start("big-s3proxy", BUCKET);
        port = standalone.port();
        description = "standalone S3Proxy (pid " + standalone.pid() + ")";
      } else {
        inProcessDirectory = Files.createTempDirectory("files-big-objects-");
        inProcess =
            EmbeddedStore.onDisk(
                    inProcessDirectory, S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY)
                .decorated(smallParts ? SmallPartsS3Proxy::allowingSmallParts : store -> store)
                .start(0, BUCKET);
        port = inProcess.port();
        description = "S3Proxy in the test JVM";
      }
      endpoint = "http://127.0.0.1:" + port;
      String delay = System.getProperty("files.big.complete-delay", "");
      if (!delay.isBlank()) {
        int target = port;
        relay = FreezableProxy.start(() -> target);
        relay.delayCompleteAnswers(Duration.parse("PT" + delay.toUpperCase()));
        endpoint = relay.endpoint();
        description += ", complete answers delayed " + delay + " by a relay";
      }
      config.put("files.storage.bucket", BUCKET);
      config.put("quarkus.s3.endpoint-override", endpoint);
      config.put("quarkus.s3.path-style-access", "true");
      config.put("quarkus.s3.aws.region", "us-east-1");
      config.put("quarkus.s3.aws.credentials.type", "static");
      config.put(
          "quarkus.s3.aws.credentials.static-provider.access-key-id", S3ProxyProcess.ACCESS_KEY);
      config.put(
          "quarkus.s3.aws.credentials.static-provider.secret-access-key",
          S3ProxyProcess.SECRET_KEY);
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("could not start PostgreSQL and S3Proxy", e);
    }
    config.putAll(FilesTestResource.serviceSettings(database));
    return config;
  }

  /** The folder of the bucket's objects (and of the parts of unfinished uploads) on disk. */
  public static Path bucketDirectory() {
    return standalone != null ? standalone.bucketDirectory() : inProcessDirectory.resolve(BUCKET);
  }

  /** Which store this is, for log lines. */
  public static String description() {
    return description;
  }

  /** The relay, when {@code files.big.complete-delay} is set. */
  public static Optional<FreezableProxy> relay() {
    return Optional.ofNullable(relay);
  }

  @Override
  public void stop() {
    try {
      if (relay != null) {
        relay.close();
      }
      if (standalone != null) {
        standalone.close();
      }
      if (inProcess != null) {
        inProcess.close();
      }
      if (database != null) {
        database.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping the big-upload servers failed", e);
    } finally {
      relay = null;
      standalone = null;
      inProcess = null;
      database = null;
      try {
        if (inProcessDirectory != null) {
          PostgresProcess.deleteTree(inProcessDirectory);
        }
      } catch (Exception e) {
        throw new IllegalStateException("could not delete " + inProcessDirectory, e);
      } finally {
        inProcessDirectory = null;
      }
    }
  }
}
