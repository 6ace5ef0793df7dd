package dev.filesapi.embedded;

import java.net.URI;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3 server in this JVM (S3Proxy) over a local directory or memory. It checks SigV4 signatures
 * like a real store, so presigned URLs are exercised for real.
 */
public final class EmbeddedStore implements AutoCloseable {
  private final BlobStoreContext context;
  private final String accessKey;
  private final String secretKey;
  private UnaryOperator<BlobStore> decorator = UnaryOperator.identity();
  private boolean ignoreUnknownHeaders = true;
  private S3Proxy proxy;
  private int port;

  private EmbeddedStore(BlobStoreContext context, String accessKey, String secretKey) {
    this.context = context;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** A store over a directory; each bucket is a folder in it. */
  public static EmbeddedStore onDisk(
      java.nio.file.Path directory, String accessKey, String secretKey) {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    return new EmbeddedStore(
        ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class),
        accessKey,
        secretKey);
  }

  /** A store in memory, gone when the JVM ends. */
  public static EmbeddedStore inMemory(String accessKey, String secretKey) {
    return new EmbeddedStore(
        ContextBuilder.newBuilder("transient").build(BlobStoreContext.class), accessKey, secretKey);
  }

  /**
   * Serves the store through this wrapper of its BlobStore (tests count the calls reaching the
   * store with it); takes effect at the next {@link #start}.
   */
  public EmbeddedStore decorated(UnaryOperator<BlobStore> decorator) {
    this.decorator = decorator;
    return this;
  }

  /**
   * Whether S3Proxy lets through {@code x-amz-*} headers it does not know (the default here) or
   * answers them {@code 501 NotImplemented}, as its stock configuration does; takes effect at the
   * next {@link #start}.
   */
  public EmbeddedStore ignoringUnknownHeaders(boolean ignore) {
    this.ignoreUnknownHeaders = ignore;
    return this;
  }

  /** Listens on the port (0 picks a free one) and creates the bucket if needed. */
  public EmbeddedStore start(int requestedPort, String bucket) throws Exception {
    BlobStore blobStore = decorator.apply(context.getBlobStore());
    blobStore.createContainerInLocation(null, bucket);
    // Browsers PUT parts straight to presigned URLs and must be able to read the ETag.
    CrossOriginResourceSharing cors =
        new CrossOriginResourceSharing(
            java.util.List.of("*"),
            java.util.List.of("GET", "PUT", "HEAD", "POST", "DELETE"),
            java.util.List.of("*"),
            java.util.List.of("ETag"),
            "false");
    S3Proxy started =
        S3Proxy.builder()
            .blobStore(blobStore)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
            .ignoreUnknownHeaders(ignoreUnknownHeaders)
            .corsRules(cors)
            .build();
    started.start();
    while (!started.getState().equals("STARTED")) {
      Thread.onSpinWait();
    }
    proxy = started;
    port = proxy.getPort();
    return this;
  }

  /** Stops listening; the data stays, and {@link #start} on the same port serves it again. */
  public void stop() throws Exception {
    if (proxy != null) {
      proxy.stop();
      proxy = null;
    }
  }

  public boolean isRunning() {
    return proxy != null;
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public BlobStore blobStore() {
    return context.getBlobStore();
  }

  @Override
  public void close() throws Exception {
    stop();
    context.close();
  }
}
