package dev.filesapi.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answer of initiate: the upload and the presigned parts still to send. */
public record InitiateResponse(
    @Schema(example = "upl_5m2k0a1b7c9d3e4f6g8h0j1k2m") String uploadId,
    @Schema(example = "fil_0a1b2c3d4e5f6g7h8j9k0m1n2p") String fileUid,
    String fileName,
    long totalBytes,
    int numParts,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            description =
                "Bytes per part (every part but the last); omitted by backends that do not report it")
        Long partSize,
    @Schema(enumeration = {"none", "crc32c"}) String integrityAlgorithm,
    @JsonProperty("is_resume")
        @Schema(
            description =
                "true when an existing upload was reused; parts then holds only the parts not yet checkpointed")
        boolean isResume,
    List<PartDescriptor> parts,
    @Schema(description = "When the server aborts the upload if it is not completed")
        Instant expiresAt) {}
