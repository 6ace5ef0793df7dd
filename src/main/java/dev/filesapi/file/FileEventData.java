package dev.filesapi.file;

import dev.filesapi.events.EventData;

/** A registered file as webhook events describe it (the record of the metadata endpoints). */
public final class FileEventData {
  private FileEventData() {}

  public static EventData.FileData of(StoredFile file) {
    return new EventData.FileData(
        file.fileId,
        file.fileUid,
        file.uploadId,
        file.fileType,
        file.numBytes,
        FileStatus.valueOf(file.status).longName(),
        file.checksumAlgorithm == null || file.checksumValue == null
            ? null
            : new EventData.Checksum(file.checksumAlgorithm, file.checksumValue),
        file.createdAt);
  }
}
