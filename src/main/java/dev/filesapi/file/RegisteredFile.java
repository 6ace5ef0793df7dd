package dev.filesapi.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answer of complete: the registered file. */
public record RegisteredFile(
    String fileUid,
    String fileName,
    long numBytes,
    @Schema(example = "Registered") String fileStatus,
    Map<String, Object> fileAttributes,
    @Schema(description = "The file's id within the organization: its name") String fileId,
    @JsonInclude(JsonInclude.Include.NON_NULL) Checksum checksum) {

  public static RegisteredFile of(StoredFile file) {
    return new RegisteredFile(
        file.fileUid,
        file.fileId,
        file.numBytes,
        FileStatus.valueOf(file.status).shortName(),
        Map.of(),
        file.fileId,
        Checksum.of(file));
  }
}
