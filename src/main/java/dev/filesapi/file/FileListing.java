package dev.filesapi.file;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.filesapi.common.DatabaseOutage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * {@code GET /files/metadata}, written as the rows arrive: the query runs on a database cursor
 * ({@link #FETCH_SIZE} rows at a time) and each record is written as soon as it is read, so one
 * listing's memory does not depend on how many files the organization has. The query is executed
 * (and its first rows fetched) before the answer starts, so a database failure is still a proper
 * error; one that happens later can only cut the answer short, which the client sees as JSON that
 * does not end.
 */
@ApplicationScoped
public class FileListing {
  private static final Logger LOG = Logger.getLogger(FileListing.class);
  static final int FETCH_SIZE = 500;

  private static final String COLUMNS =
      "select file_id, file_uid, file_type, num_bytes, status, checksum_algorithm,"
          + " checksum_value, created_at, storage_key, backend from stored_file"
          + " where organization_id = ?";
  private static final String ORDER = " order by created_at, file_uid";

  private final DataSource dataSource;
  private final ObjectWriter writer;

  FileListing(DataSource dataSource, ObjectMapper mapper) {
    this.dataSource = dataSource;
    this.writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
  }

  /** Which part of the list: everything, or {@code limit} records from {@code offset}. */
  public record Range(long offset, OptionalLong limit) {
    public static final Range ALL = new Range(0, OptionalLong.empty());

    public static Range shard(long shardIndex, int maxItemsPerShard) {
      return new Range(
          Math.multiplyExact(shardIndex, (long) maxItemsPerShard),
          OptionalLong.of(maxItemsPerShard));
    }
  }

  /**
   * Runs the listing query and returns the answer that writes its rows. The connection stays open
   * until the answer is written (or fails); it is always released then.
   */
  public StreamingOutput list(String organizationId, Optional<String> fileType, Range range) {
    StringBuilder sql = new StringBuilder(COLUMNS);
    fileType.ifPresent(type -> sql.append(" and file_type = ?"));
    sql.append(ORDER);
    range.limit().ifPresent(limit -> sql.append(" limit ? offset ?"));
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      // PostgreSQL reads through a cursor only inside a transaction.
      connection.setAutoCommit(false);
      PreparedStatement statement = connection.prepareStatement(sql.toString());
      statement.setFetchSize(FETCH_SIZE);
      int parameter = 1;
      statement.setString(parameter++, organizationId);
      if (fileType.isPresent()) {
        statement.setString(parameter++, fileType.get());
      }
      if (range.limit().isPresent()) {
        statement.setLong(parameter++, range.limit().getAsLong());
        statement.setLong(parameter, range.offset());
      }
      ResultSet rows = statement.executeQuery();
      Connection open = connection;
      return output -> write(open, rows, range.offset(), output);
    } catch (SQLException e) {
      release(connection);
      throw DatabaseOutage.translate("listing files", e);
    } catch (RuntimeException e) {
      release(connection);
      throw e;
    }
  }

  private void write(Connection connection, ResultSet rows, long firstIndex, OutputStream output)
      throws IOException {
    try (JsonGenerator json = writer.createGenerator(output)) {
      json.writeStartArray();
      long index = firstIndex;
      while (rows.next()) {
        writer.writeValue(json, FileRecord.of(file(rows), index++));
      }
      json.writeEndArray();
    } catch (SQLException e) {
      // The answer has started: all that is left is to end it short.
      throw new IOException("listing failed while it was being written", e);
    } finally {
      release(connection);
    }
  }

  private static StoredFile file(ResultSet row) throws SQLException {
    StoredFile file = new StoredFile();
    file.fileId = row.getString(1);
    file.fileUid = row.getString(2);
    file.fileType = row.getString(3);
    file.numBytes = row.getLong(4);
    file.status = row.getString(5);
    file.checksumAlgorithm = row.getString(6);
    file.checksumValue = row.getString(7);
    file.createdAt = row.getObject(8, OffsetDateTime.class).toInstant();
    file.storageKey = row.getString(9);
    file.backend = row.getString(10);
    return file;
  }

  private static void release(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      LOG.debugf("ending a listing's transaction failed: %s", e.getMessage());
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debugf("closing a listing's connection failed: %s", e.getMessage());
    }
  }
}
