package dev.filesapi.storage;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long the service waits for the object store; each key is documented in docs/configuration.md.
 * Every store call has a deadline, so a store that stops answering costs a request a few seconds
 * (then {@code 503 storage_unavailable}), never a hung thread. {@link StoreDeadlines} turns these
 * into each call's deadline.
 */
@ConfigMapping(prefix = "files.storage.timeout")
public interface StorageTimeouts {
  /**
   * Deadline of a control call, retries included: create, abort and list a multipart upload, head,
   * delete and start reading an object, complete an upload of few parts, the readiness probe.
   */
  @WithDefault("5s")
  Duration control();

  /** Deadline of one attempt of a control call; a hung attempt is abandoned and retried. */
  @WithDefault("2s")
  Duration controlAttempt();

  /**
   * The deadline of a complete per part: a complete of {@code parts} may take {@code parts} times
   * this, never less than {@link #control()} (with the defaults, up to 166 parts).
   */
  @WithDefault("30ms")
  Duration completePerPart();

  /**
   * The slowest rate (bytes per second) at which a store is assumed to assemble an object from its
   * parts: a complete may take {@link #control()} plus size / rate when that is longer than the
   * per-part share (a 2 GiB complete: 133 s with the defaults).
   */
  @WithDefault("16M")
  MemorySize completeMinThroughput();

  /** The longest deadline of a complete (a 57 GiB complete reaches it with the defaults). */
  @WithDefault("1h")
  Duration completeMax();

  /**
   * The slowest rate (bytes per second) at which the service's own PUT of a simple upload (up to
   * 512 MB) is assumed to reach the store: its deadline is {@link #control()} plus size / rate.
   */
  @WithDefault("1M")
  MemorySize minThroughput();
}
