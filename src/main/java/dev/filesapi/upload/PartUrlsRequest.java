package dev.filesapi.upload;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /files/uploads/{id}/parts/urls}. */
public record PartUrlsRequest(
    @NotNull
        @Size(min = 1, max = 10_000)
        @Schema(
            description = "Zero-based part numbers; duplicates allowed",
            example = "[42, 43, 44]")
        List<@NotNull Integer> partNumbers) {}
