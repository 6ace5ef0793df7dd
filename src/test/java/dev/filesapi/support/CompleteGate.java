package dev.filesapi.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jclouds.blobstore.BlobStore;

/**
 * Holds every CompleteMultipartUpload in an S3Proxy store until the test lets it go on: the
 * complete is in flight for as long as the test needs (to stop or kill the service inside it),
 * without timing assumptions. Decorate the store with {@link #holding}.
 */
public final class CompleteGate {
  private final CountDownLatch arrived = new CountDownLatch(1);
  private final CountDownLatch mayGoOn = new CountDownLatch(1);

  /** The store, holding each complete at this gate. */
  public BlobStore holding(BlobStore target) {
    return BlobStoreCalls.before(
        target,
        name -> {
          if (name.equals("completeMultipartUpload")) {
            arrived.countDown();
            if (!mayGoOn.await(120, TimeUnit.SECONDS)) {
              throw new IllegalStateException("the test never let the complete go on");
            }
          }
        });
  }

  /** Whether a complete reached the store within the bound. */
  public boolean awaitArrival(Duration bound) throws InterruptedException {
    return arrived.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Lets every held complete (and every later one) go on. */
  public void release() {
    mayGoOn.countDown();
  }
}
