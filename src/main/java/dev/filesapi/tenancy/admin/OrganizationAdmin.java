package dev.filesapi.tenancy.admin;

import dev.filesapi.database.Ids;
import dev.filesapi.problem.ApiException;
import dev.filesapi.tenancy.ApiKey;
import dev.filesapi.tenancy.ApiKeys;
import dev.filesapi.tenancy.Organization;
import dev.filesapi.tenancy.Quotas;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Organizations, their quotas and their API keys, as operators manage them. */
@ApplicationScoped
public class OrganizationAdmin {
  private final Quotas quotas;
  private final Clock clock;

  OrganizationAdmin(Quotas quotas, Clock clock) {
    this.quotas = quotas;
    this.clock = clock;
  }

  @Transactional
  public OrganizationView create(OrganizationRequest request) {
    Organization organization = new Organization();
    organization.id = Ids.organization();
    organization.name = request.name().trim();
    organization.createdAt = now();
    organization.maxInProgressUploads = request.maxInProgressUploads();
    organization.maxFileBytes = request.maxFileBytes();
    organization.persist();
    return view(organization);
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public List<OrganizationView> list() {
    return Organization.<Organization>listAll(Sort.by("createdAt").and("id")).stream()
        .map(this::view)
        .toList();
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public OrganizationView get(String organizationId) {
    return view(require(organizationId));
  }

  @Transactional
  public OrganizationView setQuotas(String organizationId, QuotasRequest request) {
    Organization organization = require(organizationId);
    organization.maxInProgressUploads = request.maxInProgressUploads();
    organization.maxFileBytes = request.maxFileBytes();
    return view(organization);
  }

  /** A new random key; the answer is the only place its secret ever appears. */
  @Transactional
  public ApiKeyView createKey(String organizationId, String name) {
    String secret = ApiKeys.generate();
    return ApiKeyView.of(addKey(require(organizationId), name, secret), secret);
  }

  /** Stores the hash of a given key for an organization (bootstrap). */
  @Transactional(Transactional.TxType.MANDATORY)
  public ApiKey addKey(Organization organization, String name, String secret) {
    ApiKey apiKey = new ApiKey();
    apiKey.id = Ids.apiKey();
    apiKey.organizationId = organization.id;
    apiKey.keyHash = ApiKeys.hash(secret);
    apiKey.keyPrefix = ApiKeys.displayPrefix(secret);
    apiKey.name = name.trim();
    apiKey.createdAt = now();
    apiKey.persist();
    return apiKey;
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public List<ApiKeyView> keys(String organizationId) {
    require(organizationId);
    return ApiKey.<ApiKey>list("organizationId", Sort.by("createdAt").and("id"), organizationId)
        .stream()
        .map(key -> ApiKeyView.of(key, null))
        .toList();
  }

  /** Revokes a key; it stops working with the next request. Revoking again changes nothing. */
  @Transactional
  public ApiKeyView revoke(String organizationId, String keyId) {
    require(organizationId);
    ApiKey apiKey =
        ApiKey.<ApiKey>find("id = ?1 and organizationId = ?2", keyId, organizationId)
            .firstResultOptional()
            .orElseThrow(() -> ApiException.notFound("API key", keyId));
    if (apiKey.revokedAt == null) {
      apiKey.revokedAt = now();
    }
    return ApiKeyView.of(apiKey, null);
  }

  private OrganizationView view(Organization organization) {
    return OrganizationView.of(organization, quotas.of(organization));
  }

  private static Organization require(String organizationId) {
    Organization organization = Organization.findById(organizationId);
    if (organization == null) {
      throw ApiException.notFound("Organization", organizationId);
    }
    return organization;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
