package dev.filesapi.upload;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /files/uploads/initiate}. */
public record InitiateRequest(
    @NotNull
        @Schema(
            description =
                "The file's name: 1–1024 bytes of UTF-8, no control characters. Stored and"
                    + " returned as given; never used as a storage key.",
            example = "scans/2026-11/patient-42.tiff")
        String filename,
    @NotNull @Schema(description = "MIME type `type/subtype`", example = "image/tiff")
        String fileType,
    @NotNull
        @Min(1)
        @Max(PartPlan.MAX_FILE_BYTES)
        @Schema(description = "Exact size of the file in bytes", example = "17825795")
        Long numBytes,
    @Schema(
            description =
                "Reuse the newest in-progress upload with this filename (same file_type and"
                    + " num_bytes) and return only its parts not yet checkpointed",
            defaultValue = "false")
        Boolean resumeIfStarted) {

  boolean resume() {
    return Boolean.TRUE.equals(resumeIfStarted);
  }
}
