package dev.filesapi.tenancy.admin;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /admin/organizations}. */
public record OrganizationRequest(
    @NotBlank
        @Size(max = 200)
        @Pattern(regexp = "[^\\x00-\\x1F\\x7F]*", message = "must not contain control characters")
        @Schema(example = "Acme Imaging")
        String name,
    @Min(1) @Schema(description = "Uploads in progress at once; omitted: the deployment default")
        Integer maxInProgressUploads,
    @Min(1)
        @Max(250_000_000_000L)
        @Schema(description = "Largest file in bytes; omitted: the deployment default (250 GB)")
        Long maxFileBytes) {}
