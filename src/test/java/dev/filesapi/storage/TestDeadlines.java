package dev.filesapi.storage;

import java.time.Duration;

/** Deadlines for backends built by hand in tests. */
public final class TestDeadlines {
  private TestDeadlines() {}

  /** The defaults of {@code files.storage.timeout.*} (pinned in {@code StoreDeadlinesTest}). */
  public static final StoreDeadlines DEFAULTS =
      new StoreDeadlines(
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofMillis(30),
          Duration.ofHours(1),
          1024 * 1024,
          16L * 1024 * 1024);

  /** About a second for every call, so tests of a store that stops answering stay short. */
  public static final StoreDeadlines SHORT =
      new StoreDeadlines(
          Duration.ofSeconds(1),
          Duration.ofMillis(500),
          Duration.ofMillis(1),
          Duration.ofSeconds(1),
          100L * 1024 * 1024,
          100L * 1024 * 1024);
}
