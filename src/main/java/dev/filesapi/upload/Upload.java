package dev.filesapi.upload;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** One multipart upload of one organization; see {@link UploadStatus} for its lifecycle. */
@Entity
@Table(name = "upload")
public class Upload extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "organization_id", nullable = false)
  public String organizationId;

  @Column(name = "file_uid", nullable = false)
  public String fileUid;

  @Column(nullable = false)
  public String filename;

  @Column(name = "file_type", nullable = false)
  public String fileType;

  /** 0 until complete for an unplanned upload: null in SQL. */
  @Convert(converter = UnknownAsNull.Bytes.class)
  @Column(name = "num_bytes")
  public long numBytes;

  /** 0 for an unplanned upload, whose client chooses the part sizes: null in SQL. */
  @Convert(converter = UnknownAsNull.Bytes.class)
  @Column(name = "part_size")
  public long partSize;

  /** 0 until complete when the client did not give the size: null in SQL. */
  @Convert(converter = UnknownAsNull.Count.class)
  @Column(name = "num_parts")
  public int numParts;

  @Column(nullable = false)
  public String backend;

  @Column(name = "storage_key", nullable = false)
  public String storageKey;

  @Column(name = "backend_upload_id", nullable = false)
  public String backendUploadId;

  @Column(name = "integrity_algorithm", nullable = false)
  public String integrityAlgorithm;

  @Convert(converter = UploadStatus.Column.class)
  @Column(nullable = false)
  public UploadStatus status;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "expires_at", nullable = false)
  public Instant expiresAt;

  @Column(name = "completed_at")
  public Instant completedAt;

  /**
   * While {@code completing}: until when the replica driving the complete holds it (renewed while
   * it works); null when no replica claimed it (a complete begun before the lease existed).
   */
  @Column(name = "completing_until")
  public Instant completingUntil;

  /** Why a failed upload failed: the code of the problem its complete ended with; else null. */
  @Column(name = "failure_code")
  public String failureCode;

  /** That problem's detail: what a later complete and the read side tell the client. */
  @Column(name = "failure_detail")
  public String failureDetail;

  @Version public long version;

  /**
   * Whether the service planned the parts (initiate with num_bytes). An <em>unplanned</em> upload
   * is started without a size: its client chooses the parts, and its complete learns the size from
   * the parts the store holds ({@link UnplannedCompletion}).
   */
  public boolean planned() {
    return partSize != 0;
  }

  public PartPlan plan() {
    return new PartPlan(numBytes, partSize, numParts);
  }
}
