package dev.filesapi.file;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A whole-file checksum. */
@RegisterForReflection // native image: serialised only nested in FileRecord/RegisteredFile
public record Checksum(
    @Schema(example = "crc32c") String algorithm, @Schema(example = "yZRlqg==") String value) {

  static Checksum of(StoredFile file) {
    return file.checksumAlgorithm == null || file.checksumValue == null
        ? null
        : new Checksum(file.checksumAlgorithm, file.checksumValue);
  }
}
