package dev.filesapi.upload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The janitor's schedule and patience; every key is in docs/configuration.md. */
@ConfigMapping(prefix = "files.janitor")
public interface JanitorConfig {
  /**
   * How often each replica's janitor runs. Read by the janitor's {@code @Scheduled}; declared here
   * so that the key belongs to the mapping (which otherwise refuses it at startup, SRCFG00050).
   */
  @WithDefault("60s")
  String interval();

  /** How long an upload may stay {@code completing} before the janitor asks the store. */
  @WithDefault("15m")
  Duration completingGrace();

  /** Uploads handled per transaction. */
  @WithDefault("100")
  int batchSize();
}
