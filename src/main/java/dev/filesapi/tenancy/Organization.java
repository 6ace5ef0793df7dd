package dev.filesapi.tenancy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant: every upload and file belongs to exactly one organization. */
@Entity
@Table(name = "organization")
public class Organization extends PanacheEntityBase {
  @Id public String id;

  @Column(nullable = false)
  public String name;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** At most this many uploads in progress at once; null: {@code files.quota.*} default. */
  @Column(name = "max_in_progress_uploads")
  public Integer maxInProgressUploads;

  /** Largest file this organization may store; null: {@code files.quota.*} default. */
  @Column(name = "max_file_bytes")
  public Long maxFileBytes;
}
