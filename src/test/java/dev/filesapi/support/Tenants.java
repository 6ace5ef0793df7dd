package dev.filesapi.support;

import dev.filesapi.tenancy.ApiKey;
import dev.filesapi.tenancy.ApiKeys;
import dev.filesapi.tenancy.admin.OrganizationAdmin;
import dev.filesapi.tenancy.admin.OrganizationRequest;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Organizations and their keys for tests, without the admin API's HTTP round trip. */
public final class Tenants {
  private Tenants() {}

  /** A new organization, made as an operator would; returns its API key. */
  public static String newOrganizationKey(String name) {
    OrganizationAdmin admin = Arc.container().instance(OrganizationAdmin.class).get();
    String organizationId = admin.create(new OrganizationRequest(name, null, null)).id();
    return admin.createKey(organizationId, "test").key();
  }

  /** The organization an active API key belongs to. */
  public static String organizationOf(String apiKey) {
    return activeKey(apiKey).organizationId;
  }

  /** The id ({@code key_…}) of an active API key. */
  public static String keyIdOf(String apiKey) {
    return activeKey(apiKey).id;
  }

  private static ApiKey activeKey(String apiKey) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                ApiKey.<ApiKey>find("keyHash = ?1 and revokedAt is null", ApiKeys.hash(apiKey))
                    .firstResultOptional()
                    .orElseThrow());
  }
}
