package dev.filesapi.file;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A whole-file checksum. */
public record Checksum(
    @Schema(example = "crc32c") String algorithm, @Schema(example = "yZRlqg==") String value) {

  static Checksum of(StoredFile file) {
    return file.checksumAlgorithm == null || file.checksumValue == null
        ? null
        : new Checksum(file.checksumAlgorithm, file.checksumValue);
  }
}
