package dev.filesapi.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The retry schedule: the default one, jitter bounds, and the end of the window. */
class RetryScheduleTest {
  private static final List<Duration> DEFAULT_DELAYS =
      List.of(
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Duration.ofMinutes(2),
          Duration.ofMinutes(10),
          Duration.ofMinutes(30),
          Duration.ofHours(1));
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void theDefaultScheduleRetriesForADayThenGivesUp() {
    RetrySchedule schedule = new RetrySchedule(DEFAULT_DELAYS, Duration.ofHours(24), 0);
    List<Instant> attempts = new ArrayList<>(List.of(T0));
    Optional<Instant> next;
    while ((next = schedule.next(attempts.size(), T0, attempts.get(attempts.size() - 1), () -> 0))
        .isPresent()) {
      attempts.add(next.get());
    }
    assertThat(attempts.subList(0, 8))
        .containsExactly(
            T0,
            T0.plusSeconds(5),
            T0.plusSeconds(35),
            T0.plusSeconds(155),
            T0.plusSeconds(755),
            T0.plusSeconds(2555),
            T0.plusSeconds(6155),
            T0.plusSeconds(9755));
    // Hourly after the sixth retry, until the day is over: 29 attempts in all.
    assertThat(attempts).hasSize(29);
    assertThat(attempts.get(attempts.size() - 1)).isBefore(T0.plus(Duration.ofHours(24)));
    assertThat(attempts.get(attempts.size() - 1).plus(Duration.ofHours(1)))
        .isAfter(T0.plus(Duration.ofHours(24)));
  }

  @Test
  void jitterLengthensADelayByAtMostItsFraction() {
    RetrySchedule schedule = new RetrySchedule(DEFAULT_DELAYS, Duration.ofHours(24), 0.2);
    assertThat(schedule.next(1, T0, T0, () -> 0)).contains(T0.plusSeconds(5));
    assertThat(schedule.next(1, T0, T0, () -> 0.5)).contains(T0.plusMillis(5500));
    assertThat(schedule.next(2, T0, T0, () -> 0.999_999).orElseThrow())
        .isBefore(T0.plusSeconds(36))
        .isAfter(T0.plusSeconds(35));
  }

  @Test
  void aRedeliveryStartsAFreshWindow() {
    RetrySchedule schedule = new RetrySchedule(DEFAULT_DELAYS, Duration.ofHours(24), 0);
    Instant late = T0.plus(Duration.ofHours(30));
    assertThat(schedule.next(20, T0, late, () -> 0)).isEmpty();
    assertThat(schedule.next(1, late, late, () -> 0)).contains(late.plusSeconds(5));
  }

  @Test
  void anEmptyScheduleIsRefused() {
    assertThatThrownBy(() -> new RetrySchedule(List.of(), Duration.ofHours(1), 0))
        .hasMessageContaining("retry-delays");
  }
}
