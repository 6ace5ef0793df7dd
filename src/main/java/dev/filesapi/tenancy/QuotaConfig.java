package dev.filesapi.tenancy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Deployment-wide quota defaults; operators override them per organization. */
@ConfigMapping(prefix = "files.quota")
public interface QuotaConfig {
  /** Uploads an organization may have in progress at once. */
  @WithDefault("1000")
  int maxInProgressUploads();

  /** Largest file an organization may store: the contract's 250 GB. */
  @WithDefault("250000000000")
  long maxFileBytes();
}
