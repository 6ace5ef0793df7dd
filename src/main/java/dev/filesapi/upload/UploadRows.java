package dev.filesapi.upload;

import dev.filesapi.database.DatabaseOutage;
import dev.filesapi.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import javax.sql.DataSource;

/**
 * An organization's upload read plainly: one indexed read on an auto-commit connection, with no
 * transaction and no persistence context, for the reads that only look at an upload (part URLs,
 * Uppy's signing and part listing) and run once per part. The JPA read in a transaction of its own
 * was a third of signing a part's CPU (BENCHMARKS.md, Uppy routes). The upload answered is not
 * managed: changing it changes nothing in the database.
 */
@ApplicationScoped
class UploadRows {
  private static final String BY_ID =
      "select id, organization_id, file_uid, filename, file_type, num_bytes, part_size, num_parts,"
          + " backend, storage_key, backend_upload_id, integrity_algorithm, status, created_at,"
          + " updated_at, expires_at, completed_at, completing_until, failure_code,"
          + " failure_detail, version"
          + " from upload where id = ? and organization_id = ?";

  private static final UploadStatus.Column STATUS = new UploadStatus.Column();

  private final DataSource dataSource;

  UploadRows(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The organization's upload, or 404, as {@link UploadChecks#require(String, String)}: another
   * organization's upload is not found either.
   */
  Upload require(String organizationId, String uploadId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(BY_ID)) {
      statement.setString(1, uploadId);
      statement.setString(2, organizationId);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw ApiException.notFound("Upload", uploadId);
        }
        return upload(row);
      }
    } catch (SQLException e) {
      throw DatabaseOutage.translate("reading an upload", e);
    }
  }

  /** The row as the entity maps it: unknown sizes (null) are 0 ({@link UnknownAsNull}). */
  private static Upload upload(ResultSet row) throws SQLException {
    Upload upload = new Upload();
    upload.id = row.getString(1);
    upload.organizationId = row.getString(2);
    upload.fileUid = row.getString(3);
    upload.filename = row.getString(4);
    upload.fileType = row.getString(5);
    upload.numBytes = row.getLong(6);
    upload.partSize = row.getLong(7);
    upload.numParts = row.getInt(8);
    upload.backend = row.getString(9);
    upload.storageKey = row.getString(10);
    upload.backendUploadId = row.getString(11);
    upload.integrityAlgorithm = row.getString(12);
    upload.status = STATUS.convertToEntityAttribute(row.getString(13));
    upload.createdAt = instant(row, 14);
    upload.updatedAt = instant(row, 15);
    upload.expiresAt = instant(row, 16);
    upload.completedAt = instant(row, 17);
    upload.completingUntil = instant(row, 18);
    upload.failureCode = row.getString(19);
    upload.failureDetail = row.getString(20);
    upload.version = row.getLong(21);
    return upload;
  }

  private static Instant instant(ResultSet row, int column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
