package dev.filesapi.support;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** An in-memory S3Proxy on a free port, with one bucket, for backend contract tests. */
public final class S3ProxyServer implements AutoCloseable {
  private final BlobStoreContext context;
  private final S3Proxy proxy;

  private S3ProxyServer(BlobStoreContext context, S3Proxy proxy) {
    this.context = context;
    this.proxy = proxy;
  }

  /** Checks AWS V2/V4 signatures with these keys. */
  public static S3ProxyServer withAwsAuthentication(String bucket, String accessKey, String secret)
      throws Exception {
    return start(bucket, AuthenticationType.AWS_V2_OR_V4, accessKey, secret);
  }

  /** Checks no signature at all (the GCS client's requests carry none it knows). */
  public static S3ProxyServer withoutAuthentication(String bucket) throws Exception {
    return start(bucket, AuthenticationType.NONE, null, null);
  }

  private static S3ProxyServer start(
      String bucket, AuthenticationType authentication, String accessKey, String secret)
      throws Exception {
    BlobStoreContext context = ContextBuilder.newBuilder("transient").build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, bucket);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(authentication, accessKey, secret)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.onSpinWait();
    }
    return new S3ProxyServer(context, proxy);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  public int port() {
    return proxy.getPort();
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
