package dev.filesapi.file;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.filesapi.database.DatabaseOutage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * {@code GET /files/metadata}: the organization's files in {@code file_index} order, each read as
 * an index range, so no listing's time or memory depends on how many files the organization has.
 *
 * <ul>
 *   <li>The whole list is written as the rows arrive: the query runs on a database cursor ({@link
 *       #FETCH_SIZE} rows at a time) and each record is written as soon as it is read. It is
 *       executed (and its first rows fetched) before the answer starts, so a database failure is
 *       still a proper error; one that happens later can only cut the answer short, which the
 *       client sees as JSON that does not end. A client that goes away ends the query within {@link
 *       #CLIENT_CHECK_INTERVAL} records, and the connection returns to the pool.
 *   <li>A page after a cursor is the next index range ({@code file_index > ?}).
 *   <li>An offset shard skips its offset in the index alone (an index-only scan of {@code
 *       file_index}, from the nearer end of the list), then reads the shard as the range that
 *       starts there.
 * </ul>
 *
 * Pages are read whole (at most 1,001 rows) before they are answered: that is how a page knows
 * whether a next one exists.
 */
@ApplicationScoped
public class FileListing {
  private static final Logger LOG = Logger.getLogger(FileListing.class);
  static final int FETCH_SIZE = 500;

  /** How often (in records) the whole listing asks whether its client is still connected. */
  private static final int CLIENT_CHECK_INTERVAL = 100;

  private static final String COLUMNS =
      "select f.file_id, f.file_uid, f.file_type, f.num_bytes, f.status, f.checksum_algorithm,"
          + " f.checksum_value, f.created_at, f.file_index from stored_file f";

  private final DataSource dataSource;
  private final ObjectWriter writer;

  FileListing(DataSource dataSource, ObjectMapper mapper) {
    this.dataSource = dataSource;
    this.writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
  }

  /** Records of one page, and the cursor of the next when there are more. */
  public record Page(List<FileRecord> records, Optional<String> nextCursor) {}

  /**
   * Runs the listing query and returns the answer that writes its rows. The connection stays open
   * until the answer is written (or fails); it is always released then.
   */
  public StreamingOutput all(
      String organizationId, Optional<String> fileType, BooleanSupplier clientGone) {
    StringBuilder sql = new StringBuilder(COLUMNS).append(" where f.organization_id = ?");
    fileType.ifPresent(type -> sql.append(" and f.file_type = ?"));
    sql.append(" order by f.file_index");
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      // PostgreSQL reads through a cursor only inside a transaction.
      connection.setAutoCommit(false);
      PreparedStatement statement = connection.prepareStatement(sql.toString());
      statement.setFetchSize(FETCH_SIZE);
      statement.setString(1, organizationId);
      if (fileType.isPresent()) {
        statement.setString(2, fileType.get());
      }
      ResultSet rows = statement.executeQuery();
      Connection open = connection;
      return output -> write(open, rows, output, clientGone);
    } catch (SQLException e) {
      release(connection);
      throw DatabaseOutage.translate("listing files", e);
    } catch (RuntimeException e) {
      release(connection);
      throw e;
    }
  }

  /**
   * Up to {@code limit} records from position {@code offset} of the list: the file_index at that
   * position, found by an index-only scan, then the same index range as a cursor page. The
   * organization's totals, read in the same statement (so from the same snapshot, and kept by the
   * same transactions), say how many files there are: past the last one the shard is empty without
   * a scan, and a position in the back half is counted from the end, so the deepest shards cost as
   * little as the first ones and the middle one the most. With a file_type filter, which the totals
   * do not count, positions are counted from the start.
   */
  public Page shard(String organizationId, Optional<String> fileType, long offset, int limit) {
    String start =
        fileType.isPresent()
            ? "(select file_index from stored_file where organization_id = ? and file_type = ?"
                + " order by file_index offset ? limit 1)"
            : "case when ? * 2 < t.n then (select file_index from stored_file"
                + " where organization_id = ? order by file_index offset ? limit 1)"
                + " else (select file_index from stored_file where organization_id = ?"
                + " order by file_index desc offset (t.n - 1 - ?)::bigint limit 1) end";
    String sql =
        "with total as (select coalesce(sum(num_files), 0) as n from file_totals"
            + " where organization_id = ?) "
            + COLUMNS
            + " where f.organization_id = ?"
            + fileType.map(type -> " and f.file_type = ?").orElse("")
            + " and f.file_index >= (select case when ? >= t.n then null else "
            + start
            + " end from total t)"
            + " order by f.file_index limit ?";
    return page(
        sql,
        limit,
        statement -> {
          int parameter = 1;
          statement.setString(parameter++, organizationId);
          statement.setString(parameter++, organizationId);
          if (fileType.isPresent()) {
            statement.setString(parameter++, fileType.get());
          }
          statement.setLong(parameter++, offset);
          if (fileType.isPresent()) {
            statement.setString(parameter++, organizationId);
            statement.setString(parameter++, fileType.get());
            statement.setLong(parameter++, offset);
          } else {
            statement.setLong(parameter++, offset);
            statement.setString(parameter++, organizationId);
            statement.setLong(parameter++, offset);
            statement.setString(parameter++, organizationId);
            statement.setLong(parameter++, offset);
          }
          statement.setInt(parameter, limit + 1);
        });
  }

  /** Up to {@code limit} records after the cursor's file. */
  public Page after(
      String organizationId, Optional<String> fileType, FileCursor cursor, int limit) {
    String sql =
        COLUMNS
            + " where f.organization_id = ?"
            + fileType.map(type -> " and f.file_type = ?").orElse("")
            + " and f.file_index > ? order by f.file_index limit ?";
    return page(
        sql,
        limit,
        statement -> {
          int parameter = 1;
          statement.setString(parameter++, organizationId);
          if (fileType.isPresent()) {
            statement.setString(parameter++, fileType.get());
          }
          statement.setLong(parameter++, cursor.afterFileIndex());
          statement.setInt(parameter, limit + 1);
        });
  }

  @FunctionalInterface
  private interface Parameters {
    void set(PreparedStatement statement) throws SQLException;
  }

  /** Runs a page query that asks for one row more than the page, to know if a next exists. */
  private Page page(String sql, int limit, Parameters parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      parameters.set(statement);
      List<FileRecord> records = new ArrayList<>(Math.min(limit, 100));
      boolean more = false;
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (records.size() == limit) {
            more = true;
            break;
          }
          records.add(FileRecord.of(file(rows)));
        }
      }
      Optional<String> next =
          more
              ? Optional.of(new FileCursor(records.get(limit - 1).fileIndex()).encode())
              : Optional.empty();
      return new Page(records, next);
    } catch (SQLException e) {
      throw DatabaseOutage.translate("listing files", e);
    }
  }

  /**
   * Writes the rows until the last one, or until the client is gone: writes to a closed connection
   * fail silently, so without asking, the query would read every remaining file for nobody.
   */
  private void write(
      Connection connection, ResultSet rows, OutputStream output, BooleanSupplier clientGone)
      throws IOException {
    try (JsonGenerator json = writer.createGenerator(output)) {
      json.writeStartArray();
      long written = 0;
      while (rows.next()) {
        writer.writeValue(json, FileRecord.of(file(rows)));
        if (++written % CLIENT_CHECK_INTERVAL == 0 && clientGone.getAsBoolean()) {
          LOG.debugf("listing stopped after %d records: the client went away", written);
          return;
        }
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
    file.fileIndex = row.getLong(9);
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
