package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UploadCursorTest {

  @Test
  void roundTripKeepsMicrosecondsAndId() {
    UploadCursor cursor =
        new UploadCursor(
            Instant.parse("2024-05-06T07:08:09.123456Z"), "upl_0123456789abcdefghjkmnpqrs");

    String encoded = cursor.encode();

    assertThat(encoded).matches("[A-Za-z0-9_-]+");
    assertThat(UploadCursor.decode(encoded)).isEqualTo(cursor);
  }

  @Test
  void dropsNanosecondsBelowAMicrosecond() {
    UploadCursor cursor =
        new UploadCursor(Instant.parse("2024-05-06T07:08:09.123456789Z"), "upl_x");

    assertThat(UploadCursor.decode(cursor.encode()).createdAt())
        .isEqualTo(Instant.parse("2024-05-06T07:08:09.123456Z"));
  }

  @Test
  void roundTripsInstantsBeforeTheEpoch() {
    UploadCursor cursor = new UploadCursor(Instant.parse("1969-12-31T23:59:59.999999Z"), "upl_x");

    assertThat(UploadCursor.decode(cursor.encode())).isEqualTo(cursor);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage!!",
        "not base64 at all",
        "%%%%",
        "",
        "=",
        "YWJj" // "abc": no colon
      })
  void rejectsCursorsThatAreNotBase64OrNotOurs(String cursor) {
    assertInvalid(cursor);
  }

  @Test
  void rejectsWellEncodedCursorsWithTheWrongContent() {
    assertInvalid(encoded(""));
    assertInvalid(encoded(":"));
    assertInvalid(encoded("1714979289123456:"));
    assertInvalid(encoded("1714979289123456:fil_0123"));
    assertInvalid(encoded("notanumber:upl_0123"));
    assertInvalid(encoded(":upl_0123"));
    assertInvalid(encoded("99999999999999999999999:upl_0123"));
  }

  @Test
  void rejectsTimestampsOutsideYears1To9999() {
    // PostgreSQL cannot compare against these: they were a 500 before.
    assertInvalid(encoded(Long.MIN_VALUE + ":upl_x"));
    assertInvalid(encoded(Long.MAX_VALUE + ":upl_x"));
    assertInvalid(encoded("253402300800000000:upl_x"));
    assertInvalid(encoded("-62135596800000001:upl_x"));
    assertThat(UploadCursor.decode(encoded("253402300799999999:upl_x")).createdAt())
        .isEqualTo(Instant.parse("9999-12-31T23:59:59.999999Z"));
    assertThat(UploadCursor.decode(encoded("-62135596800000000:upl_x")).createdAt())
        .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
  }

  @Test
  void rejectsOverlongCursors() {
    String id = "upl_" + "a".repeat(200);
    String overlong = encoded("1714979289123456:" + id);
    assertThat(overlong.length()).isGreaterThan(200);

    assertInvalid(overlong);
    assertInvalid(new UploadCursor(Instant.EPOCH, id).encode());
  }

  @Test
  void rejectsMissingCursor() {
    assertInvalid(null);
  }

  private static String encoded(String raw) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertInvalid(String cursor) {
    assertThatThrownBy(() -> UploadCursor.decode(cursor))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("invalid_cursor");
              assertThat(e.getMessage()).doesNotContain("Exception");
            });
  }
}
