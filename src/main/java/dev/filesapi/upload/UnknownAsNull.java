package dev.filesapi.upload;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * The sizes of an upload whose size is not known yet: 0 in the entity, null in the database (see
 * V12). Keeps the entity's fields primitive, so code that reads a planned upload is unchanged.
 */
final class UnknownAsNull {
  private UnknownAsNull() {}

  @Converter
  static final class Bytes implements AttributeConverter<Long, Long> {
    @Override
    public Long convertToDatabaseColumn(Long value) {
      return value == null || value == 0L ? null : value;
    }

    @Override
    public Long convertToEntityAttribute(Long column) {
      return column == null ? 0L : column;
    }
  }

  @Converter
  static final class Count implements AttributeConverter<Integer, Integer> {
    @Override
    public Integer convertToDatabaseColumn(Integer value) {
      return value == null || value == 0 ? null : value;
    }

    @Override
    public Integer convertToEntityAttribute(Integer column) {
      return column == null ? 0 : column;
    }
  }
}
