package dev.filesapi.events;

import dev.filesapi.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Position after the last delivery of a page: its creation time and event id. Opaque. */
record DeliveryCursor(Instant createdAt, String eventId) {
  private static final int MAX_ENCODED = 200;
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  String encode() {
    long micros = createdAt.getEpochSecond() * 1_000_000L + createdAt.getNano() / 1_000;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((micros + ":" + eventId).getBytes(StandardCharsets.UTF_8));
  }

  static DeliveryCursor decode(String cursor) {
    try {
      if (cursor.length() > MAX_ENCODED) {
        throw new IllegalArgumentException("too long");
      }
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      long micros = Long.parseLong(raw.substring(0, colon));
      String id = raw.substring(colon + 1);
      if (!id.startsWith("evt_") || id.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("not an event id");
      }
      Instant createdAt =
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
      if (createdAt.isBefore(EARLIEST) || createdAt.isAfter(LATEST)) {
        throw new IllegalArgumentException("timestamp out of range");
      }
      return new DeliveryCursor(createdAt, id);
    } catch (RuntimeException e) {
      throw ApiException.invalidCursor();
    }
  }
}
