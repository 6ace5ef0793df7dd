package dev.filesapi.tenancy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An API key of an organization; only the SHA-256 of the key is stored. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "organization_id", nullable = false)
  public String organizationId;

  @Column(name = "key_hash", nullable = false)
  public String keyHash;

  @Column(name = "key_prefix", nullable = false)
  public String keyPrefix;

  @Column(nullable = false)
  public String name;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;
}
