package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = Backoff.DEFAULT;

  @Test
  void doublesFromHalfASecondUpToTheCap() {
    assertEquals(Duration.ofMillis(500), backoff.delay(1, Optional.empty(), () -> 0));
    assertEquals(Duration.ofSeconds(1), backoff.delay(2, Optional.empty(), () -> 0));
    assertEquals(Duration.ofSeconds(2), backoff.delay(3, Optional.empty(), () -> 0));
    assertEquals(Duration.ofSeconds(16), backoff.delay(6, Optional.empty(), () -> 0));
    assertEquals(Duration.ofSeconds(30), backoff.delay(7, Optional.empty(), () -> 0));
    assertEquals(Duration.ofSeconds(30), backoff.delay(1000, Optional.empty(), () -> 0));
  }

  @Test
  void jitterLengthensByAtMostItsFraction() {
    assertEquals(Duration.ofMillis(1200), backoff.delay(2, Optional.empty(), () -> 1.0));
    assertEquals(Duration.ofMillis(1100), backoff.delay(2, Optional.empty(), () -> 0.5));
  }

  @Test
  void retryAfterWinsButIsCapped() {
    assertEquals(
        Duration.ofSeconds(3), backoff.delay(1, Optional.of(Duration.ofSeconds(3)), () -> 0));
    assertEquals(
        Duration.ofSeconds(30), backoff.delay(1, Optional.of(Duration.ofHours(1)), () -> 0));
  }

  @Test
  void eightAttemptsInAll() {
    assertTrue(backoff.again(7));
    assertFalse(backoff.again(8));
  }

  @Test
  void readsRetryAfterSeconds() {
    assertEquals(Optional.of(Duration.ofSeconds(1)), Backoff.retryAfter(Optional.of("1")));
    assertEquals(Optional.of(Duration.ofSeconds(5)), Backoff.retryAfter(Optional.of(" 5 ")));
    assertEquals(Optional.empty(), Backoff.retryAfter(Optional.of("-1")));
    assertEquals(
        Optional.empty(), Backoff.retryAfter(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")));
    assertEquals(Optional.empty(), Backoff.retryAfter(Optional.empty()));
  }
}
