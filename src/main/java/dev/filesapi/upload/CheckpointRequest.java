package dev.filesapi.upload;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of {@code POST /files/uploads/{id}/parts/checkpoint}. */
public record CheckpointRequest(
    @NotNull @Size(max = 10_000) List<@NotNull @Valid PartTokenEntry> parts) {}
