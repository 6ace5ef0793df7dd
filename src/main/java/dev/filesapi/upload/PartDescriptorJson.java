package dev.filesapi.upload;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes a {@link PartDescriptor} exactly as Jackson's bean serialiser does with the service's
 * settings (snake_case names, ISO-8601 instants), for less: an initiate of a 250 GB upload writes
 * 9,935 of them. Field names are written pre-encoded; a URL that needs no escaping (all of them, in
 * practice) is copied in as bytes; the expiry, the same instant for every part of an answer, is
 * formatted once per answer instead of once per part.
 */
@RegisterForReflection
public final class PartDescriptorJson extends StdSerializer<PartDescriptor> {
  private static final SerializableString PART_NUMBER = new SerializedString("part_number");
  private static final SerializableString URL = new SerializedString("url");
  private static final SerializableString OFFSET = new SerializedString("offset");
  private static final SerializableString LENGTH = new SerializedString("length");
  private static final SerializableString EXPIRES_AT = new SerializedString("expires_at");

  /** The last expiry written, formatted; immutable, so threads may share it. */
  private record Formatted(Instant instant, String text) {}

  private volatile Formatted lastExpiry;

  public PartDescriptorJson() {
    super(PartDescriptor.class);
  }

  @Override
  public void serialize(PartDescriptor part, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    gen.writeStartObject(part);
    gen.writeFieldName(PART_NUMBER);
    gen.writeNumber(part.partNumber());
    if (part.url() != null) {
      gen.writeFieldName(URL);
      byte[] verbatim = verbatimOrNull(part.url());
      if (verbatim != null && gen instanceof UTF8JsonGenerator) {
        gen.writeRawUTF8String(verbatim, 0, verbatim.length);
      } else { // writers and token buffers take no bytes; Jackson escapes its own way
        gen.writeString(part.url());
      }
    }
    gen.writeFieldName(OFFSET);
    gen.writeNumber(part.offset());
    gen.writeFieldName(LENGTH);
    gen.writeNumber(part.length());
    if (part.expiresAt() != null) {
      gen.writeFieldName(EXPIRES_AT);
      gen.writeString(format(part.expiresAt()));
    }
    gen.writeEndObject();
  }

  /**
   * The text's bytes when it is ASCII that JSON writes as is (no control character, quote or
   * backslash), as presigned URLs are; else null.
   */
  private static byte[] verbatimOrNull(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    for (byte b : utf8) {
      // Negative bytes (non-ASCII) are below 0x20 too.
      if (b < 0x20 || b == '"' || b == '\\') {
        return null;
      }
    }
    return utf8;
  }

  /**
   * As Jackson writes an {@link Instant} with dates as text: ISO-8601, {@link Instant#toString}.
   */
  private String format(Instant instant) {
    Formatted last = lastExpiry;
    if (last == null || !last.instant().equals(instant)) {
      last = new Formatted(instant, instant.toString());
      lastExpiry = last;
    }
    return last.text();
  }
}
