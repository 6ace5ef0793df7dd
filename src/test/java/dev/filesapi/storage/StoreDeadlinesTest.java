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
    assertThat(timeouts.completeMax()).isEqualTo(Duration.ofMinutes(5));
    assertThat(timeouts.minThroughput().asLongValue()).isEqualTo(1024 * 1024);
    assertThat(StoreDeadlines.of(timeouts).complete(10_000)).isEqualTo(DEFAULTS.complete(10_000));
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
    assertThat(DEFAULTS.complete(9_999).total()).isEqualTo(Duration.ofMillis(299_970));
    assertThat(DEFAULTS.complete(10_000).total()).isEqualTo(Duration.ofMinutes(5));
    assertThat(DEFAULTS.complete(10_001).total()).isEqualTo(Duration.ofMinutes(5));
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
            Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ZERO, Duration.ofSeconds(1), 1);
    assertThat(deadlines.control().attempt()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void nonsenseIsRefusedNamingTheSetting() {
    assertThatThrownBy(
            () ->
                new StoreDeadlines(
                    Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1), 1))
        .hasMessageContaining("files.storage.timeout.control");
    assertThatThrownBy(
            () ->
                new StoreDeadlines(
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    0))
        .hasMessageContaining("files.storage.timeout.min-throughput");
  }
}
