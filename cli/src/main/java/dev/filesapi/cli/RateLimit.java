package dev.filesapi.cli;

/**
 * A shared limit of bytes per second over all parts ({@code --limit-rate}): each read reserves its
 * bytes and waits until the limit allows them. Unlimited when the rate is 0.
 */
final class RateLimit {
  static final RateLimit NONE = new RateLimit(0);

  private final long bytesPerSecond;
  private long nextFree;

  RateLimit(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  void acquire(int bytes) {
    if (bytesPerSecond <= 0 || bytes <= 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      if (nextFree - now < 0) {
        nextFree = now;
      }
      wait = nextFree - now;
      nextFree += bytes * 1_000_000_000L / bytesPerSecond;
    }
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
