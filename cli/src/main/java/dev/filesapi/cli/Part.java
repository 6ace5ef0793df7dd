package dev.filesapi.cli;

import java.time.Instant;
import java.util.Map;

/** A part as the service describes it: zero-based number, byte range and presigned URL. */
record Part(int number, long offset, long length, String url, Instant expiresAt) {
  static Part of(Map<?, ?> json) {
    Object expires = json.get("expires_at");
    return new Part(
        ((Number) json.get("part_number")).intValue(),
        ((Number) json.get("offset")).longValue(),
        ((Number) json.get("length")).longValue(),
        (String) json.get("url"),
        expires == null ? Instant.MAX : Instant.parse(expires.toString()));
  }

  Part withUrl(Part fresh) {
    return new Part(number, offset, length, fresh.url(), fresh.expiresAt());
  }
}
