package dev.filesapi.tenancy.admin;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /admin/organizations/{id}/api-keys}. */
public record ApiKeyRequest(
    @NotBlank
        @Size(max = 200)
        @Pattern(regexp = "[^\\x00-\\x1F\\x7F]*", message = "must not contain control characters")
        @Schema(example = "ingest pipeline")
        String name) {}
