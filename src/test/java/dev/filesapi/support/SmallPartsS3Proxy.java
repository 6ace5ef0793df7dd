package dev.filesapi.support;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.MultipartPart;

/**
 * S3Proxy over jclouds' filesystem store, letting a complete through whatever the parts' sizes.
 *
 * <p>S3Proxy 2.6.0 refuses every part but the last under 5 MiB at CompleteMultipartUpload ({@code
 * EntityTooSmall}: a constant in {@code S3ProxyHandler.handleCompleteMultipartUpload}, checked
 * unless the store reports a part's size as unknown, {@code -1}), though the filesystem store
 * itself takes parts of one byte ({@code getMinimumMultipartPartSize() == 1}). A 10,000-part upload
 * at 5 MiB is ~49 GiB of parts, and the filesystem store's complete copies them into a new file:
 * ~98 GiB of disk, more than the project's machines have. {@link #allowingSmallParts} hides the
 * parts' sizes from that one check only (the list S3Proxy's complete handler reads reports {@code
 * -1}); the store's own complete reads the parts' real lengths from their files, and every other
 * call (ListParts included) is the stock store's. Nothing else differs from stock S3Proxy.
 *
 * <p>{@link #main} is S3Proxy's own main for such a store, run by {@link
 * S3ProxyProcess#startAllowingSmallParts}: {@code --properties FILE} with S3Proxy's settings.
 */
public final class SmallPartsS3Proxy {
  private SmallPartsS3Proxy() {}

  /** The store, with part sizes hidden from S3Proxy's complete handler's 5 MiB check. */
  public static BlobStore allowingSmallParts(BlobStore target) {
    return (BlobStore)
        Proxy.newProxyInstance(
            BlobStore.class.getClassLoader(),
            new Class<?>[] {BlobStore.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if ("listMultipartUpload".equals(method.getName()) && calledByCompleteHandler()) {
                @SuppressWarnings("unchecked")
                List<MultipartPart> parts = (List<MultipartPart>) result;
                return parts.stream()
                    .map(
                        part ->
                            MultipartPart.create(
                                part.partNumber(), -1, part.partETag(), part.lastModified()))
                    .toList();
              }
              return result;
            });
  }

  private static boolean calledByCompleteHandler() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames.anyMatch(
                    frame ->
                        frame.getClassName().equals("org.gaul.s3proxy.S3ProxyHandler")
                            && frame.getMethodName().equals("handleCompleteMultipartUpload")));
  }

  /** {@code --properties FILE}: S3Proxy's settings ({@code s3proxy.*}, {@code jclouds.*}). */
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !"--properties".equals(args[0])) {
      throw new IllegalArgumentException("usage: SmallPartsS3Proxy --properties FILE");
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      properties.load(in);
    }
    BlobStoreContext context =
        ContextBuilder.newBuilder(properties.getProperty("jclouds.provider"))
            .overrides(properties)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.Builder.fromProperties(properties)
            .blobStore(allowingSmallParts(context.getBlobStore()))
            .build();
    proxy.start(); // Jetty's threads keep the process running until it is stopped
  }
}
