package dev.filesapi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.storage.StoreDeadlines.Deadline;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each store call's deadline: a few seconds for control calls, more only for large work. */
class StoreDeadlinesTest {
  private static final StoreDeadlines DEFAULTS = TestDeadlines.DEFAULTS;

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withConverter(Duration.class, 200, new DurationConverter())
            .withConverter(MemorySize.class, 200, new MemorySizeConverter())
            .withMapping(StorageTimeouts.class)
            .build();
    StorageTimeouts timeouts = config.getConfigMapping(StorageTimeouts.class);

    assertThat(timeouts.control()).isEqualTo(Duration.ofSeconds(5));
    assertThat(timeouts.controlAttempt()).isEqualTo(Duration.ofSeconds(2));
    assertThat(timeouts.completePerPart()).isEqualTo(Duration.ofMillis(30));
    assertThat(timeouts.completeMax()).isEqualTo(Duration.ofHours(1));
    assertThat(timeouts.completeMinThroughput().asLongValue()).isEqualTo(16 * 1024 * 1024);
    assertThat(timeouts.minThroughput().asLongValue()).isEqualTo(1024 * 1024);
    assertThat(StoreDeadlines.of(timeouts).complete(10_000)).isEqualTo(DEFAULTS.complete(10_000));
    assertThat(StoreDeadlines.of(timeouts).complete(256, 1L << 31))
        .isEqualTo(DEFAULTS.complete(256, 1L << 31));
  }

  @Test
  void controlCallsTakeAFewSecondsAndRetryWithinThem() {
    assertThat(DEFAULTS.control())
        .isEqualTo(new Deadline(Duration.ofSeconds(5), Duration.ofSeconds(2)));
  }

  @Test
  void aNormalCompleteIsAControlCall() {
    Deadline control = new Deadline(Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThat(DEFAULTS.complete(1)).isEqualTo(control);
    assertThat(DEFAULTS.complete(166)).isEqualTo(control); // 4.98 s
    assertThat(DEFAULTS.complete(167).total()).isEqualTo(Duration.ofMillis(5010));
  }

  @Test
  void aLargeCompleteGrowsWithItsPartsUpToTheCap() {
    assertThat(DEFAULTS.complete(1000))
        .isEqualTo(new Deadline(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    assertThat(DEFAULTS.complete(10_000).total()).isEqualTo(Duration.ofMinutes(5));
    assertThat(DEFAULTS.complete(120_000).total()).isEqualTo(Duration.ofHours(1));
    assertThat(DEFAULTS.complete(120_001).total()).isEqualTo(Duration.ofHours(1));
  }

  /** Issue 24: 256 parts of 8 MiB had 7.7 s, and a store that copies the bytes needed longer. */
  @Test
  void aCompleteIsGivenItsBytesAtTheMinimumAssemblyThroughput() {
    // Few bytes: the per-part share (or the control deadline) rules.
    assertThat(DEFAULTS.complete(1, 0)).isEqualTo(DEFAULTS.complete(1));
    assertThat(DEFAULTS.complete(1000, 1000)).isEqualTo(DEFAULTS.complete(1000));
    // 2 GiB in 256 parts: 5 s + 128 s at 16 MiB/s, one attempt taking all of it.
    Deadline twoGib = DEFAULTS.complete(256, 2L << 30);
    assertThat(twoGib.total()).isEqualTo(Duration.ofSeconds(133));
    assertThat(twoGib.attempt()).isEqualTo(twoGib.total());
    assertThat(DEFAULTS.complete(256, (2L << 30) + 1).total())
        .isEqualTo(Duration.ofMillis(133_001));
    // 250 GB: capped.
    assertThat(DEFAULTS.complete(10_000, 250_000_000_000L).total()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aPutHasTheControlDeadlinePlusItsBytesAtTheMinimumThroughput() {
    assertThat(DEFAULTS.put(0).total()).isEqualTo(Duration.ofSeconds(5));
    assertThat(DEFAULTS.put(1).total()).isEqualTo(Duration.ofMillis(5001));
    assertThat(DEFAULTS.put(1024 * 1024).total()).isEqualTo(Duration.ofSeconds(6));
    // The simple upload's largest file: 512 MB at 1 MiB/s.
    Deadline largest = DEFAULTS.put(512_000_000L);
    assertThat(largest.total()).isEqualTo(Duration.ofMillis(5_000 + 488_282));
    assertThat(largest.attempt()).isEqualTo(largest.total());
  }

  @Test
  void anAttemptNeverOutlastsTheCall() {
    StoreDeadlines deadlines =
        new StoreDeadlines(
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            Duration.ZERO,
            Duration.ofSeconds(1),
            1,
            1);
    assertThat(deadlines.control().attempt()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void nonsenseIsRefusedNamingTheSetting() {
    assertThatThrownBy(
            () ->
                new StoreDeadlines(
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    1,
                    1))
        .hasMessageContaining("files.storage.timeout.control");
    assertThatThrownBy(
            () ->
                new StoreDeadlines(
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    0,
                    1))
        .hasMessageContaining("files.storage.timeout.min-throughput");
    assertThatThrownBy(
            () ->
                new StoreDeadlines(
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    1,
                    0))
        .hasMessageContaining("files.storage.timeout.complete-min-throughput");
  }
}
