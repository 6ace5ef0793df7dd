package dev.filesapi.uppy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the Uppy routes. */
@ConfigMapping(prefix = "files.uppy")
public interface UppyConfig {
  /** Lifetime of the upload tokens that {@code POST /v1/uppy/tokens} mints. */
  @WithDefault("12H")
  Duration tokenTtl();
}
