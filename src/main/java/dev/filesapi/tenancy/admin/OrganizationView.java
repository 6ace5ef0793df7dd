package dev.filesapi.tenancy.admin;

import dev.filesapi.tenancy.Organization;
import dev.filesapi.tenancy.Quotas;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An organization and the quotas in force for it. */
@RegisterForReflection // native image: create sends it in a hand-built Response
public record OrganizationView(
    @Schema(example = "org_2jg9kjqtd0v2g7m64h0y6cr2fr") String id,
    String name,
    Instant createdAt,
    @Schema(description = "Effective limit (the organization's own or the default)")
        int maxInProgressUploads,
    @Schema(description = "Effective limit (the organization's own or the default)")
        long maxFileBytes) {

  static OrganizationView of(Organization organization, Quotas.Limits limits) {
    return new OrganizationView(
        organization.id,
        organization.name,
        organization.createdAt,
        limits.maxInProgressUploads(),
        limits.maxFileBytes());
  }
}
