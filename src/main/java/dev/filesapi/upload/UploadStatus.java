package dev.filesapi.upload;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An upload's status. Which status may follow which, and what each change raises, is {@link
 * UploadTransition}'s table; {@link UploadLifecycle} makes every change.
 */
public enum UploadStatus {
  IN_PROGRESS,
  COMPLETING,
  COMPLETED,
  ABORTED,
  EXPIRED,
  FAILED;

  /** The wire and column name: {@code in_progress}, … */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every wire name in order, comma-separated: for messages that list the choices. */
  public static String wireNames() {
    return Arrays.stream(values()).map(UploadStatus::wireName).collect(Collectors.joining(", "));
  }

  public static Optional<UploadStatus> fromWireName(String value) {
    for (UploadStatus status : values()) {
      if (status.wireName().equals(value)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  /** Stores the wire name in the {@code status} column. */
  @Converter
  public static class Column implements AttributeConverter<UploadStatus, String> {
    @Override
    public String convertToDatabaseColumn(UploadStatus status) {
      return status == null ? null : status.wireName();
    }

    @Override
    public UploadStatus convertToEntityAttribute(String value) {
      return value == null
          ? null
          : fromWireName(value)
              .orElseThrow(() -> new IllegalStateException("unknown upload status " + value));
    }
  }
}
