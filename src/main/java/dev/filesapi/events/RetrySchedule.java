package dev.filesapi.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: the n-th failure waits the n-th delay (the last one
 * repeating), lengthened by a random jitter fraction, until the retry window since the delivery was
 * created (or redelivered) has passed; then it has failed.
 */
public record RetrySchedule(List<Duration> delays, Duration window, double jitter) {

  public RetrySchedule {
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("files.webhooks.retry-delays is empty");
    }
    if (jitter < 0) {
      throw new IllegalArgumentException("files.webhooks.retry-jitter is negative");
    }
    delays = List.copyOf(delays);
  }

  static RetrySchedule of(WebhookConfig config) {
    return new RetrySchedule(config.retryDelays(), config.retryFor(), config.retryJitter());
  }

  /**
   * @param failures failed attempts so far, this one included (1 after the first)
   * @param random uniform in [0, 1)
   * @return when to try again, or empty when the delivery has failed for good
   */
  public Optional<Instant> next(
      int failures, Instant retryFrom, Instant now, DoubleSupplier random) {
    Duration delay = delays.get(Math.min(failures, delays.size()) - 1);
    long millis = delay.toMillis();
    long jittered = millis + (long) (millis * jitter * random.getAsDouble());
    Instant next = now.plusMillis(jittered);
    return next.isAfter(retryFrom.plus(window)) ? Optional.empty() : Optional.of(next);
  }
}
