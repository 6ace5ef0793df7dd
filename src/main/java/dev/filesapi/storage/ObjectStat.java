package dev.filesapi.storage;

import java.util.Optional;

/**
 * What the store knows of an object: its size, where kept a base64 CRC32C, and where given its ETag
 * (an object assembled from N parts carries {@code "…-N"} on S3 and most S3-compatible stores).
 */
public record ObjectStat(long size, Optional<String> crc32c, Optional<String> etag) {
  public ObjectStat(long size, Optional<String> crc32c) {
    this(size, crc32c, Optional.empty());
  }

  /**
   * The number of parts a multipart ETag ({@code "…-N"}) names, empty when the ETag is absent or
   * not a multipart one.
   */
  public Optional<Integer> multipartParts() {
    return etag.flatMap(
        value -> {
          String unquoted = PartToken.unquoted(value);
          int dash = unquoted.lastIndexOf('-');
          if (dash < 0 || dash == unquoted.length() - 1) {
            return Optional.empty();
          }
          try {
            return Optional.of(Integer.parseInt(unquoted.substring(dash + 1)));
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        });
  }
}
