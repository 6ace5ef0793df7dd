package dev.filesapi.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A throwaway Ceph RADOS Gateway (Debian 12's Ceph 16.2, {@code apt-get install
 * --no-install-recommends ceph-mon ceph-osd radosgw}): a single-node cluster of one monitor, one
 * OSD keeping its data in RAM ({@code memstore}) and radosgw with the beast frontend on a free port
 * of 127.0.0.1, all under a temporary directory, started by {@code ceph/rgw-cluster.sh} in its own
 * session. It answers S3 about 2 s after the start; an S3 user with {@link #ACCESS_KEY} and {@link
 * #SECRET_KEY} exists and the given buckets are created. {@link #close} kills the daemons (their
 * data is in RAM: nothing to shut down cleanly) and deletes the directory.
 *
 * <p>Tests on RGW carry {@code @EnabledIf("dev.filesapi.support.CephRgwProcess#runnable")}: where
 * Ceph is not installed they are skipped, except in CI ({@code CI} or {@code
 * FILES_TEST_CEPH=required} set, as {@code .ci/run} does after installing it), where they run and
 * fail with what to install.
 */
public final class CephRgwProcess implements AutoCloseable {
  public static final String ACCESS_KEY = "rgw-test-access-key";
  public static final String SECRET_KEY = "rgw-test-secret-key";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Path BIN = Path.of(System.getProperty("files.test.ceph-bin", "/usr/bin"));
  private static final List<String> BINARIES =
      List.of(
          "ceph-mon",
          "ceph-osd",
          "radosgw",
          "radosgw-admin",
          "ceph",
          "ceph-authtool",
          "monmaptool");
  private static final String INSTALL =
      "apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw";

  private final Path dir;
  private final int port;
  private final Process cluster;
  private final Thread onExit = new Thread(this::kill, "ceph-rgw-kill");

  private CephRgwProcess(Path dir, int port, Process cluster) {
    this.dir = dir;
    this.port = port;
    this.cluster = cluster;
  }

  /** Whether Ceph's monitor, OSD and gateway are installed. */
  public static boolean available() {
    return BINARIES.stream().allMatch(name -> Files.isExecutable(BIN.resolve(name)));
  }

  /**
   * Whether tests on RGW run: Ceph is installed, or this is CI, where a missing Ceph is a failure
   * (the start says what to install) and not a skip.
   */
  public static boolean runnable() {
    return available() || required();
  }

  private static boolean required() {
    String ci = System.getenv("CI");
    return "required".equals(System.getenv("FILES_TEST_CEPH"))
        || (ci != null && !ci.isBlank() && !"false".equals(ci));
  }

  /** Starts a cluster with an S3 user and these (empty) buckets. */
  public static CephRgwProcess start(String name, String... buckets)
      throws IOException, InterruptedException {
    if (!available()) {
      throw new IllegalStateException(
          "Ceph is not installed (" + BIN + " lacks one of " + BINARIES + "): " + INSTALL);
    }
    Path dir = Files.createTempDirectory("files-" + name + "-");
    Path script = dir.resolve("rgw-cluster.sh");
    try (InputStream in = CephRgwProcess.class.getResourceAsStream("/ceph/rgw-cluster.sh")) {
      Files.copy(in, script);
    }
    int port = PostgresProcess.freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                "setsid",
                "bash",
                script.toString(),
                dir.resolve("cluster").toString(),
                Integer.toString(PostgresProcess.freePort()),
                Integer.toString(port),
                ACCESS_KEY,
                SECRET_KEY)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("cluster.log").toFile());
    builder.environment().merge("PATH", BIN.toString(), (path, bin) -> bin + ":" + path);
    Process process = builder.start();
    CephRgwProcess rgw = new CephRgwProcess(dir, port, process);
    Runtime.getRuntime().addShutdownHook(rgw.onExit);
    try {
      rgw.awaitBuckets(buckets);
    } catch (IOException | RuntimeException e) {
      String log = rgw.log();
      rgw.close();
      throw new IOException("Ceph RGW did not start: " + e.getMessage() + "\n" + log, e);
    }
    return rgw;
  }

  /** Waits for the user to exist, then creates the buckets (the first signed call that works). */
  private void awaitBuckets(String... buckets) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Path ready = dir.resolve("cluster").resolve("ready");
    try (S3Client s3 = client()) {
      while (true) {
        if (!cluster.isAlive()) {
          throw new IOException("rgw-cluster.sh exited with " + cluster.exitValue());
        }
        try {
          if (Files.exists(ready)) {
            s3.listBuckets();
            break;
          }
        } catch (SdkException notYet) {
          if (System.nanoTime() > deadline) {
            throw notYet;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("no S3 answer within " + START_TIMEOUT);
        }
        Thread.sleep(50); // polling daemons that give no other signal
      }
      for (String bucket : buckets) {
        s3.createBucket(b -> b.bucket(bucket));
      }
    }
  }

  /**
   * An S3 client of the test user, configured as the service's is: path-style, plain (not
   * aws-chunked) bodies, checksums only where an operation requires them.
   */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .serviceConfiguration(
            S3Configuration.builder()
                .pathStyleAccessEnabled(true)
                .chunkedEncodingEnabled(false)
                .build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * The service's settings for this store and bucket, as the README's configuration table names
   * them (Ceph RGW section).
   */
  public Map<String, String> serviceSettings(String bucket) {
    return Map.of(
        "files.storage.bucket",
        bucket,
        "quarkus.s3.endpoint-override",
        endpoint(),
        "quarkus.s3.path-style-access",
        "true",
        "quarkus.s3.aws.region",
        "us-east-1",
        "quarkus.s3.aws.credentials.type",
        "static",
        "quarkus.s3.aws.credentials.static-provider.access-key-id",
        ACCESS_KEY,
        "quarkus.s3.aws.credentials.static-provider.secret-access-key",
        SECRET_KEY);
  }

  /** The start script's output and the gateway's log, for failure messages. */
  public String log() {
    StringBuilder log = new StringBuilder();
    for (Path file :
        List.of(dir.resolve("cluster.log"), dir.resolve("cluster/log/client.rgw.log"))) {
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        log.append("---- ")
            .append(file.getFileName())
            .append('\n')
            .append(text, Math.max(0, text.length() - 8000), text.length());
      } catch (IOException e) {
        log.append("(no ").append(file.getFileName()).append(")\n");
      }
    }
    return log.toString();
  }

  /**
   * Kills every process of the cluster's session (SIGKILL: the data is in RAM and radosgw would
   * wait for the monitor it outlived), lets the start script reap them, and deletes the directory.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      kill();
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    } finally {
      PostgresProcess.deleteTree(dir);
    }
  }

  private void kill() {
    cluster.descendants().forEach(ProcessHandle::destroyForcibly);
    try {
      if (!cluster.waitFor(10, TimeUnit.SECONDS)) {
        cluster.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      // Anything of the session left behind (the script was already gone): its process group.
      new ProcessBuilder("kill", "-KILL", "--", "-" + cluster.pid())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("could not kill the Ceph cluster " + cluster.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
