package dev.filesapi.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A file as {@code GET /files/metadata} lists it. */
@RegisterForReflection // native image: also serialised as List<FileRecord> elements
public record FileRecord(
    @Schema(description = "The file's name within the organization") String fileId,
    String fileUid,
    @JsonProperty("is_valid") boolean isValid,
    String fileType,
    long numBytes,
    @Schema(example = "FILE_STATUS_REGISTERED") String fileStatus,
    Map<String, Object> fileAttributes,
    List<String> fileTags,
    boolean ingested,
    @Schema(
            description =
                "The file's ordinal in the listing order, given when it was registered: the same"
                    + " in the listing and in the single record, unique, never reused, and"
                    + " increasing down the list, but not consecutive (other organizations'"
                    + " files, replaced and deleted files take numbers too). A replaced file"
                    + " gets a new one, at the end of the list.")
        long fileIndex,
    Instant createdAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Checksum checksum) {

  static FileRecord of(StoredFile file) {
    FileStatus status = FileStatus.valueOf(file.status);
    return new FileRecord(
        file.fileId,
        file.fileUid,
        status == FileStatus.REGISTERED,
        file.fileType,
        file.numBytes,
        status.longName(),
        Map.of(),
        List.of(),
        false,
        file.fileIndex,
        file.createdAt,
        Checksum.of(file));
  }
}
