package dev.filesapi.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy 2.6.0 as its own process, the way a platform team runs it: {@code java -cp …
 * org.gaul.s3proxy.Main --properties FILE} with jclouds' {@code filesystem} store over a temporary
 * directory, AWS V2/V4 authentication, a free port of 127.0.0.1 and otherwise S3Proxy's stock
 * settings (unknown {@code x-amz-*} headers are refused). The classpath is the test JVM's (S3Proxy
 * and its dependencies are test dependencies). The service is pointed at it with the settings of
 * the README's configuration table ({@link #serviceSettings}). {@link #close} stops it and deletes
 * the directory.
 *
 * <p>{@link #startAllowingSmallParts} runs {@link SmallPartsS3Proxy} instead of S3Proxy's own main:
 * the same S3Proxy and filesystem store, without S3Proxy's 5 MiB floor on parts at complete.
 */
public final class S3ProxyProcess implements AutoCloseable {
  public static final String ACCESS_KEY = "standalone-access-key";
  public static final String SECRET_KEY = "standalone-secret-key";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final String bucket;
  private final Process process;

  private S3ProxyProcess(Path dir, int port, String bucket, Process process) {
    this.dir = dir;
    this.port = port;
    this.bucket = bucket;
    this.process = process;
  }

  /** Stock S3Proxy over a new temporary directory, serving {@code bucket}. */
  public static S3ProxyProcess start(String name, String bucket)
      throws IOException, InterruptedException {
    return start(name, bucket, "org.gaul.s3proxy.Main");
  }

  /** {@link SmallPartsS3Proxy}: parts of any size may be completed. */
  public static S3ProxyProcess startAllowingSmallParts(String name, String bucket)
      throws IOException, InterruptedException {
    return start(name, bucket, SmallPartsS3Proxy.class.getName());
  }

  private static S3ProxyProcess start(String name, String bucket, String mainClass)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("files-" + name + "-");
    Path objects = dir.resolve("objects");
    // jclouds' filesystem store: a bucket is a folder of the base directory.
    Files.createDirectories(objects.resolve(bucket));
    int port = PostgresProcess.freePort();
    Properties properties = new Properties();
    properties.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    properties.setProperty("s3proxy.identity", ACCESS_KEY);
    properties.setProperty("s3proxy.credential", SECRET_KEY);
    properties.setProperty("jclouds.provider", "filesystem");
    properties.setProperty("jclouds.filesystem.basedir", objects.toString());
    properties.setProperty("jclouds.identity", "local");
    properties.setProperty("jclouds.credential", "local");
    Path file = dir.resolve("s3proxy.conf");
    try (OutputStream out = Files.newOutputStream(file)) {
      properties.store(out, "S3Proxy for the tests");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.add("--properties");
    command.add(file.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s3proxy.log").toFile())
            .start();
    S3ProxyProcess proxy = new S3ProxyProcess(dir, port, bucket, process);
    try {
      proxy.awaitListening();
    } catch (IOException | RuntimeException e) {
      String log = proxy.log();
      proxy.close();
      throw new IOException("S3Proxy did not start: " + e.getMessage() + "\n" + log, e);
    }
    return proxy;
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited with " + process.exitValue());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100); // polling a child process's port: nothing to wait on instead
      }
    }
    throw new IOException("S3Proxy is not listening on " + port + " after " + START_TIMEOUT);
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public String bucket() {
    return bucket;
  }

  /** The folder holding the bucket's objects (and, while they last, multipart parts). */
  public Path bucketDirectory() {
    return dir.resolve("objects").resolve(bucket);
  }

  /** The directory everything is in (for {@code df}). */
  public Path directory() {
    return dir;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * The service's settings for this store, as the README's configuration table names them, the
   * store reached at {@code endpoint} (this one, or a relay in front of it).
   */
  public java.util.Map<String, String> serviceSettings(String endpoint) {
    return java.util.Map.of(
        "files.storage.bucket", bucket,
        "quarkus.s3.endpoint-override", endpoint,
        "quarkus.s3.path-style-access", "true",
        "quarkus.s3.aws.region", "us-east-1",
        "quarkus.s3.aws.credentials.type", "static",
        "quarkus.s3.aws.credentials.static-provider.access-key-id", ACCESS_KEY,
        "quarkus.s3.aws.credentials.static-provider.secret-access-key", SECRET_KEY);
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("s3proxy.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      PostgresProcess.deleteTree(dir);
    }
  }
}
