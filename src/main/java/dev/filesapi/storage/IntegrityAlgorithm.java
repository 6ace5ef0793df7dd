package dev.filesapi.storage;

import java.util.Locale;

/** Whole-file checksums a backend can verify. */
public enum IntegrityAlgorithm {
  NONE,
  CRC32C;

  /** The wire name: {@code none}, {@code crc32c}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
