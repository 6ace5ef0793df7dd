package dev.filesapi.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * The deadline of each store call, from {@link StorageTimeouts}: a few seconds for control calls,
 * longer only where the work grows with the request (a complete with many parts, a large PUT).
 */
public final class StoreDeadlines {

  /**
   * How long a call may take in all ({@code total}, retries included) and per attempt.
   *
   * @param total the SDK's API call timeout
   * @param attempt the SDK's API call attempt timeout (and an HTTP transport's read timeout)
   */
  public record Deadline(Duration total, Duration attempt) {
    public Deadline {
      Objects.requireNonNull(total, "total is null");
      Objects.requireNonNull(attempt, "attempt is null");
    }
  }

  private final Deadline control;
  private final Duration completePerPart;
  private final Duration completeMax;
  private final long minBytesPerSecond;
  private final long completeBytesPerSecond;

  public StoreDeadlines(
      Duration control,
      Duration controlAttempt,
      Duration completePerPart,
      Duration completeMax,
      long minBytesPerSecond,
      long completeBytesPerSecond) {
    requirePositive("files.storage.timeout.control", control);
    requirePositive("files.storage.timeout.control-attempt", controlAttempt);
    requirePositive("files.storage.timeout.complete-max", completeMax);
    if (completePerPart.isNegative()) {
      throw new IllegalStateException(
          "files.storage.timeout.complete-per-part must not be negative");
    }
    if (minBytesPerSecond <= 0) {
      throw new IllegalStateException("files.storage.timeout.min-throughput must be positive");
    }
    if (completeBytesPerSecond <= 0) {
      throw new IllegalStateException(
          "files.storage.timeout.complete-min-throughput must be positive");
    }
    this.completeBytesPerSecond = completeBytesPerSecond;
    this.control = new Deadline(control, min(controlAttempt, control));
    this.completePerPart = completePerPart;
    this.completeMax = max(completeMax, control);
    this.minBytesPerSecond = minBytesPerSecond;
  }

  public static StoreDeadlines of(StorageTimeouts timeouts) {
    return new StoreDeadlines(
        timeouts.control(),
        timeouts.controlAttempt(),
        timeouts.completePerPart(),
        timeouts.completeMax(),
        timeouts.minThroughput().asLongValue(),
        timeouts.completeMinThroughput().asLongValue());
  }

  /** Create, abort, list parts, head, delete, the start of a GET, the readiness probe. */
  public Deadline control() {
    return control;
  }

  /**
   * A complete of this many parts: a share per part, never less than the control deadline (a normal
   * upload's complete is a control call) nor more than {@code complete-max}. One attempt may take
   * all of it: the store is assembling the object, not hung.
   */
  public Deadline complete(int parts) {
    Duration total = min(completeMax, max(control.total(), completePerPart.multipliedBy(parts)));
    return new Deadline(total, total);
  }

  /**
   * A complete of this many parts and bytes: as {@link #complete(int)}, or {@code control} plus the
   * bytes at {@code complete-min-throughput} when that is longer (a store that assembles the object
   * by copying its bytes), never more than {@code complete-max}.
   */
  public Deadline complete(int parts, long bytes) {
    Duration byParts = complete(parts).total();
    Duration byBytes = control.total().plusMillis(millisAt(bytes, completeBytesPerSecond));
    Duration total = min(completeMax, max(byParts, byBytes));
    return new Deadline(total, total);
  }

  /** The longest any complete may take: {@code complete-max}. */
  public Duration completeMax() {
    return completeMax;
  }

  /** The PUT of a whole object of this many bytes, at no less than the minimum throughput. */
  public Deadline put(long bytes) {
    Duration total = control.total().plusMillis(millisAt(bytes, minBytesPerSecond));
    return new Deadline(total, total);
  }

  private static long millisAt(long bytes, long bytesPerSecond) {
    return -Math.floorDiv(-Math.multiplyExact(bytes, 1000L), bytesPerSecond);
  }

  private static void requirePositive(String property, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalStateException(property + " must be positive, not " + value);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
