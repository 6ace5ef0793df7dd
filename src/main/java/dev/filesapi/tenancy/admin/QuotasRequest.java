package dev.filesapi.tenancy.admin;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code PUT /admin/organizations/{id}/quotas}; null restores the default. */
public record QuotasRequest(
    @Min(1) @Schema(example = "100") Integer maxInProgressUploads,
    @Min(1) @Max(250_000_000_000L) @Schema(example = "10000000000") Long maxFileBytes) {}
