package dev.filesapi.tenancy;

import dev.filesapi.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** The effective limits of an organization and the checks that enforce them. */
@ApplicationScoped
public class Quotas {
  private final QuotaConfig defaults;

  Quotas(QuotaConfig defaults) {
    this.defaults = defaults;
  }

  /** Limits in force for one organization. */
  public record Limits(int maxInProgressUploads, long maxFileBytes) {}

  /** Reads the organization's limits; call inside a transaction. */
  public Limits of(String organizationId) {
    return of((Organization) Organization.findById(organizationId));
  }

  public Limits of(Organization organization) {
    return of(organization.maxInProgressUploads, organization.maxFileBytes);
  }

  /** Limits from an organization's own settings (null: the deployment default). */
  public Limits of(Integer maxInProgressUploads, Long maxFileBytes) {
    return new Limits(
        maxInProgressUploads != null ? maxInProgressUploads : defaults.maxInProgressUploads(),
        maxFileBytes != null ? maxFileBytes : defaults.maxFileBytes());
  }

  public static void requireFileSize(Limits limits, long numBytes) {
    if (numBytes > limits.maxFileBytes()) {
      throw ApiException.of(
          413,
          "file_too_large",
          "This organization may store files of at most " + limits.maxFileBytes() + " bytes");
    }
  }

  public static void requireUploadSlot(Limits limits, long inProgress) {
    if (inProgress >= limits.maxInProgressUploads()) {
      throw ApiException.withHeaders(
          429,
          "too_many_uploads",
          "This organization has "
              + inProgress
              + " uploads in progress, its limit; complete or abort some first",
          Map.of("Retry-After", "60"));
    }
  }
}
