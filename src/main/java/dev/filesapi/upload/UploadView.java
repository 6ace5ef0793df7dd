package dev.filesapi.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An upload as the read side shows it: the initiate fields without URLs, plus its state. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // native image: also serialised inside UploadPage.uploads
public record UploadView(
    String uploadId,
    String fileUid,
    String fileName,
    @Schema(
            description =
                "The file's size; absent until complete for an upload started without one"
                    + " (through /v1/uppy)")
        Long totalBytes,
    @Schema(description = "Absent until complete for an upload started without a size")
        Integer numParts,
    Long partSize,
    String integrityAlgorithm,
    @Schema(
            enumeration = {
              "in_progress",
              "completing",
              "completed",
              "aborted",
              "expired",
              "failed"
            })
        String status,
    @Schema(description = "Zero-based numbers of the checkpointed parts, ascending")
        List<Integer> checkpointedParts,
    Instant createdAt,
    Instant expiresAt,
    @Schema(description = "The registered file's id (its name), once completed") String fileId,
    @Schema(
            description =
                "Why a failed upload failed: the code and detail of the problem its complete"
                    + " ended with (checksum_mismatch, rejected_by_hook, hook_unavailable,"
                    + " upload_failed); absent otherwise")
        Failure failure) {

  /** The problem a failed upload's complete ended with. */
  @RegisterForReflection
  public record Failure(String code, String detail) {

    /** The upload's failure, or null when it has none. */
    static Failure of(Upload upload) {
      return upload.failureCode == null
          ? null
          : new Failure(upload.failureCode, upload.failureDetail);
    }
  }
}
