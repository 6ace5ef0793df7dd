package dev.filesapi.upload;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A finished part: its zero-based number and the ETag its PUT returned. */
@RegisterForReflection // native image: read only inside the parts lists
public record PartTokenEntry(
    @NotNull @Schema(example = "0") Integer partNumber,
    @NotNull
        @Schema(
            description = "The ETag header of the part's PUT response, quotes included",
            example = "\"e1b3a4cd87f3c0b1a2d4e5f60718293a\"")
        String partToken) {}
