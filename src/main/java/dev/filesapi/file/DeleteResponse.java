package dev.filesapi.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Answer of {@code DELETE /files/delete/{file_id}}: {@code is_valid} is what the source API's
 * clients check; {@code deleted} is ours.
 */
@RegisterForReflection // native image: serialised as a resource method's return value
public record DeleteResponse(
    @JsonProperty("is_valid") @Schema(example = "true") boolean isValid,
    @Schema(example = "notes.txt") String fileId,
    @Schema(example = "true") boolean deleted) {}
