package dev.filesapi.support;

import dev.filesapi.common.Ids;
import dev.filesapi.tenancy.ApiKey;
import dev.filesapi.tenancy.ApiKeys;
import dev.filesapi.tenancy.Organization;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Instant;

/** Organizations and their keys straight in the database, for tests. */
public final class Tenants {
  private Tenants() {}

  /** A new organization; returns its API key. */
  public static String newOrganizationKey(String name) {
    String key = ApiKeys.generate();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Organization organization = new Organization();
              organization.id = Ids.organization();
              organization.name = name;
              organization.createdAt = Instant.now();
              organization.persist();
              ApiKey apiKey = new ApiKey();
              apiKey.id = Ids.apiKey();
              apiKey.organizationId = organization.id;
              apiKey.keyHash = ApiKeys.hash(key);
              apiKey.keyPrefix = ApiKeys.displayPrefix(key);
              apiKey.name = "test";
              apiKey.createdAt = organization.createdAt;
              apiKey.persist();
            });
    return key;
  }

  /** The organization an active API key belongs to. */
  public static String organizationOf(String apiKey) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                ApiKey.<ApiKey>find("keyHash = ?1 and revokedAt is null", ApiKeys.hash(apiKey))
                    .firstResultOptional()
                    .orElseThrow()
                    .organizationId);
  }
}
