package dev.filesapi.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where objects go. */
@ConfigMapping(prefix = "files.storage")
public interface StorageConfig {
  /** The backend of this deployment; {@code s3} for any S3-compatible store. */
  @WithDefault("s3")
  String backend();

  /** The bucket every object of this deployment is written to. */
  String bucket();

  /** First segment of every storage key: {@code {prefix}/{org}/files/{file_uid}}. */
  @WithDefault("orgs")
  String keyPrefix();
}
