package dev.filesapi.file;

import dev.filesapi.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Position after the last file of a listing page: its {@code file_index}. Opaque to clients (the
 * {@code Link: rel="next"} of a page carries it); a crafted cursor can only move within the
 * caller's own files, since every query is scoped to the organization.
 */
record FileCursor(long afterFileIndex) {
  private static final String PREFIX = "fi:";
  private static final int MAX_ENCODED = 40;

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PREFIX + afterFileIndex).getBytes(StandardCharsets.US_ASCII));
  }

  static FileCursor decode(String cursor) {
    try {
      if (cursor.length() > MAX_ENCODED) {
        throw new IllegalArgumentException("too long");
      }
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (!raw.startsWith(PREFIX)) {
        throw new IllegalArgumentException("not a file cursor");
      }
      String digits = raw.substring(PREFIX.length());
      if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("not a file_index");
      }
      return new FileCursor(Long.parseLong(digits));
    } catch (RuntimeException e) {
      throw ApiException.invalidCursor();
    }
  }
}
