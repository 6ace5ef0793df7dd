package dev.filesapi.events;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * Where an organization's events are POSTed. Updates write only the columns they changed, so an API
 * change does not overwrite the failure count the dispatcher keeps.
 */
@Entity
@DynamicUpdate
@Table(name = "webhook_endpoint")
public class WebhookEndpoint extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "organization_id", nullable = false)
  public String organizationId;

  @Column(nullable = false)
  public String url;

  public String description;

  /** Wire names of the types it receives; null for every type. */
  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "event_types")
  public String[] eventTypes;

  /**
   * The signing secret as stored: sealed by {@link WebhookSecrets} ({@code v1:…}), or a plain
   * {@code whsec_…} when no key is configured.
   */
  @Column(nullable = false)
  public String secret;

  @Column(nullable = false)
  public boolean enabled;

  @Column(name = "disabled_reason")
  public String disabledReason;

  @Column(name = "consecutive_failures", nullable = false)
  public int consecutiveFailures;

  @Column(name = "failing_since")
  public Instant failingSince;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;
}
