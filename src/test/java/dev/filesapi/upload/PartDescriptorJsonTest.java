package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written descriptor serialiser writes what Jackson's bean serialiser writes. */
class PartDescriptorJsonTest {
  /** Jackson configured as application.properties configures the service's mapper. */
  private final ObjectMapper mapper =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** The same components, serialised by Jackson's bean serialiser. */
  record Plain(int partNumber, String url, long offset, long length, Instant expiresAt) {}

  private static final Instant EXPIRY = Instant.parse("2026-12-01T10:15:30Z");

  @Test
  void writesWhatTheBeanSerialiserWrites() throws Exception {
    assertSame(
        new PartDescriptor(
            9934,
            "http://127.0.0.1:9000/b/k?X-Amz-Credential=AK%2F20261201&partNumber=9935",
            249_999_998_976L,
            1_024L,
            EXPIRY));
  }

  @Test
  void escapesWhatJsonMustEscapeAndKeepsNonAscii() throws Exception {
    assertSame(
        new PartDescriptor(0, "http://h/a\"b\\c\u0001d\u00e9e\u20acf\ud83d\ude00", 0, 1, EXPIRY));
  }

  /** Each character that must not be copied verbatim, alone in an otherwise plain URL. */
  @Test
  void escapesEachSuchCharacterAlone() throws Exception {
    for (String odd : List.of("\"", "\\", "\u0000", "\u001f", "\n", "\u00e9", "\u20ac", "\u007f")) {
      assertSame(new PartDescriptor(2, "http://h/k?a=" + odd + "&b=c", 0, 1, EXPIRY));
    }
  }

  @Test
  void leavesOutNullsAsTheServiceDoes() throws Exception {
    assertSame(new PartDescriptor(1, null, 5, 6, null));
    assertThat(mapper.writeValueAsString(new PartDescriptor(1, null, 5, 6, null)))
        .isEqualTo("{\"part_number\":1,\"offset\":5,\"length\":6}");
  }

  @Test
  void formatsEachExpiryItsOwnWayEvenRightAfterAnother() throws Exception {
    Instant withNanos = Instant.parse("2026-12-01T10:15:30.123456789Z");
    Instant wholeMinute = Instant.parse("2027-01-01T00:00:00Z");
    for (Instant expiry : List.of(EXPIRY, withNanos, wholeMinute, EXPIRY)) {
      assertSame(new PartDescriptor(3, "http://h/k", 0, 1, expiry));
    }
  }

  private void assertSame(PartDescriptor part) throws Exception {
    Plain plain =
        new Plain(part.partNumber(), part.url(), part.offset(), part.length(), part.expiresAt());
    assertThat(mapper.writeValueAsString(part)).isEqualTo(mapper.writeValueAsString(plain));
    assertThat(mapper.writeValueAsBytes(List.of(part, part)))
        .isEqualTo(mapper.writeValueAsBytes(List.of(plain, plain)));
  }
}
