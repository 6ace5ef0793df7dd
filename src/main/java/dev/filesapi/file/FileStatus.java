package dev.filesapi.file;

/**
 * A file's status. Complete answers with the short form ({@code Registered}), the metadata
 * endpoints with the long form ({@code FILE_STATUS_REGISTERED}), as the source API does.
 */
public enum FileStatus {
  REGISTERED("Registered"),
  CORRUPT("Corrupt");

  private final String shortName;

  FileStatus(String shortName) {
    this.shortName = shortName;
  }

  public String shortName() {
    return shortName;
  }

  public String longName() {
    return "FILE_STATUS_" + name();
  }
}
