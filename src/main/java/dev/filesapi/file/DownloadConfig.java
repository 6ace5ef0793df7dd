package dev.filesapi.file;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How downloads are served. */
@ConfigMapping(prefix = "files.download")
public interface DownloadConfig {
  /** {@code redirect}: 302 to a presigned GET; {@code stream}: the service streams the bytes. */
  @WithDefault("redirect")
  Mode mode();

  /** Lifetime of presigned download URLs. */
  @WithDefault("5m")
  Duration urlTtl();

  enum Mode {
    REDIRECT,
    STREAM
  }
}
