package dev.filesapi.file;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.Generated;

/**
 * The current instance of a named file of an organization. {@code fileId} is the name; {@code
 * fileUid} identifies this instance (a newer upload of the same name replaces the row).
 */
@Entity
@Table(name = "stored_file")
public class StoredFile extends PanacheEntityBase {
  @Id
  @Column(name = "file_uid")
  public String fileUid;

  @Column(name = "organization_id", nullable = false)
  public String organizationId;

  @Column(name = "file_id", nullable = false)
  public String fileId;

  @Column(name = "upload_id")
  public String uploadId;

  @Column(name = "file_type", nullable = false)
  public String fileType;

  @Column(name = "num_bytes", nullable = false)
  public long numBytes;

  @Column(nullable = false)
  public String status;

  @Column(name = "checksum_algorithm")
  public String checksumAlgorithm;

  @Column(name = "checksum_value")
  public String checksumValue;

  @Column(name = "storage_key", nullable = false)
  public String storageKey;

  @Column(nullable = false)
  public String backend;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /**
   * The file's place in the listing order, drawn from a database sequence when the row is inserted
   * (and read back with it): unique, never reused, with gaps.
   */
  @Generated
  @Column(name = "file_index", insertable = false, updatable = false)
  public long fileIndex;

  public static Optional<StoredFile> findByName(String organizationId, String fileId) {
    return find("organizationId = ?1 and fileId = ?2", organizationId, fileId)
        .firstResultOptional();
  }

  public static Optional<StoredFile> findByUid(String organizationId, String fileUid) {
    return find("organizationId = ?1 and fileUid = ?2", organizationId, fileUid)
        .firstResultOptional();
  }
}
