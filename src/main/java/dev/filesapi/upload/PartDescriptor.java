package dev.filesapi.upload;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Where and what to PUT for one part. */
@RegisterForReflection // native image: serialised only inside the parts lists
@JsonSerialize(using = PartDescriptorJson.class) // thousands per answer: see there
public record PartDescriptor(
    @Schema(description = "Zero-based part number", example = "0") int partNumber,
    @Schema(
            description =
                "Presigned URL: PUT the part's bytes here; the response ETag is the part_token")
        String url,
    @Schema(description = "Offset of the part's first byte in the file", example = "0") long offset,
    @Schema(description = "Number of bytes in the part", example = "8388608") long length,
    @Schema(description = "When the URL stops working") Instant expiresAt) {}
