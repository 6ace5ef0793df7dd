package dev.filesapi.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Waits between attempts: exponential from {@code first}, capped at {@code max}, each lengthened by
 * a random fraction up to {@code jitter} so parallel parts that failed together do not retry
 * together. A server's {@code Retry-After} wins when it is given (capped the same way).
 */
record Backoff(Duration first, Duration max, double jitter, int maxAttempts) {
  /** Part PUTs and API calls: 0.5 s, 1 s, 2 s, … up to 30 s; 8 attempts. */
  static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2, 8);

  /** The wait after failed attempt {@code attempt} (1 for the first). */
  Duration delay(int attempt, Optional<Duration> retryAfter, DoubleSupplier random) {
    Duration base;
    if (retryAfter.isPresent()) {
      base = retryAfter.get();
    } else {
      int shift = Math.min(Math.max(attempt - 1, 0), 30);
      long millis = first.toMillis() << shift;
      base = Duration.ofMillis(millis < 0 ? Long.MAX_VALUE : millis);
    }
    if (base.compareTo(max) > 0) {
      base = max;
    }
    long extra = (long) (base.toMillis() * jitter * random.getAsDouble());
    return base.plusMillis(extra);
  }

  /** Whether another attempt follows failed attempt {@code attempt}. */
  boolean again(int attempt) {
    return attempt < maxAttempts;
  }

  /** Seconds of a {@code Retry-After} header (the HTTP-date form is not used by the service). */
  static Optional<Duration> retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(header.get().trim());
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCode.INTERRUPTED, "interrupted");
    }
  }
}
