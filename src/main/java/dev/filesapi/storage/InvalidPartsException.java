package dev.filesapi.storage;

import java.util.List;

/** The store rejected the listed zero-based parts (wrong token, or never uploaded). */
public class InvalidPartsException extends RuntimeException {
  private final List<Integer> partNumbers;

  public InvalidPartsException(List<Integer> partNumbers) {
    super("invalid parts: " + partNumbers);
    this.partNumbers = List.copyOf(partNumbers);
  }

  public List<Integer> partNumbers() {
    return partNumbers;
  }
}
