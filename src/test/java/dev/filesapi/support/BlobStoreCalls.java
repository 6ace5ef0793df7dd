package dev.filesapi.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.jclouds.blobstore.BlobStore;

/**
 * An S3Proxy store decorated for a test: something runs before each call the store serves (counts,
 * a gate, a slow assembly), then the call goes on to the real store.
 */
public final class BlobStoreCalls {
  private BlobStoreCalls() {}

  /** What runs before a call, given the name of the BlobStore method called. */
  @FunctionalInterface
  public interface Before {
    void run(String method) throws Exception;
  }

  public static BlobStore before(BlobStore target, Before action) {
    return (BlobStore)
        Proxy.newProxyInstance(
            BlobStore.class.getClassLoader(),
            new Class<?>[] {BlobStore.class},
            (proxy, method, args) -> {
              action.run(method.getName());
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
