package dev.filesapi.upload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The janitor's patience; its schedule is {@code files.janitor.interval} (default 60s). */
@ConfigMapping(prefix = "files.janitor")
public interface JanitorConfig {
  /** How long an upload may stay {@code completing} before the janitor asks the store. */
  @WithDefault("15m")
  Duration completingGrace();

  /** Uploads handled per transaction. */
  @WithDefault("100")
  int batchSize();
}
