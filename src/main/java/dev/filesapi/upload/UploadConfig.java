package dev.filesapi.upload;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Upload settings; each is documented in docs/configuration.md. */
@ConfigMapping(prefix = "files.upload")
public interface UploadConfig {
  /** Preferred part size; grows in whole MiB when a file would need too many parts. */
  @WithDefault("8M")
  MemorySize partSize();

  /** Lifetime of presigned part URLs. */
  @WithDefault("1h")
  Duration urlTtl();

  /**
   * How long a complete request waits for the store to assemble the object before it answers {@code
   * 202} (the work goes on; the client sends the complete again). Three immediate attempts of the
   * source API's client cover a 2 GiB complete on S3Proxy's filesystem store.
   */
  @WithDefault("30s")
  Duration completeWait();

  /**
   * How long the replica driving a complete holds it without renewing (it renews every quarter of
   * this while it works). A complete repeated on another replica waits for the holder while the
   * lease holds and drives the complete itself once it lapses (the holder died).
   */
  @WithDefault("20s")
  Duration completeLease();

  /** How long an unfinished upload lives before the server aborts it. */
  @WithDefault("7d")
  Duration ttl();
}
