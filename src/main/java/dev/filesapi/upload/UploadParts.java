package dev.filesapi.upload;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hibernate.Session;

/**
 * Checkpointed part tokens. Thousands of parts move in one statement each way (arrays with {@code
 * unnest}), never one round trip per part. Runs in the caller's transaction.
 */
@ApplicationScoped
public class UploadParts {
  private final EntityManager em;

  UploadParts(EntityManager em) {
    this.em = em;
  }

  /** Stores the tokens; a part checkpointed again takes its new token. */
  void upsert(String uploadId, Map<Integer, String> tokens, Instant at) {
    if (tokens.isEmpty()) {
      return;
    }
    Integer[] numbers = tokens.keySet().toArray(Integer[]::new);
    String[] values = tokens.values().toArray(String[]::new);
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement statement =
                  connection.prepareStatement(
                      "insert into upload_part (upload_id, part_number, part_token, checkpointed_at)"
                          + " select ?, n, t, ? from unnest(?::integer[], ?::text[]) as p(n, t)"
                          + " on conflict (upload_id, part_number) do update"
                          + " set part_token = excluded.part_token,"
                          + " checkpointed_at = excluded.checkpointed_at")) {
                Array numberArray = connection.createArrayOf("integer", numbers);
                Array tokenArray = connection.createArrayOf("text", values);
                statement.setString(1, uploadId);
                statement.setTimestamp(2, Timestamp.from(at));
                statement.setArray(3, numberArray);
                statement.setArray(4, tokenArray);
                statement.executeUpdate();
              }
            });
  }

  /** Checkpointed tokens by zero-based part number, ascending. */
  TreeMap<Integer, String> checkpointed(String uploadId) {
    TreeMap<Integer, String> tokens = new TreeMap<>();
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement statement =
                  connection.prepareStatement(
                      "select part_number, part_token from upload_part where upload_id = ?")) {
                statement.setString(1, uploadId);
                try (ResultSet rows = statement.executeQuery()) {
                  while (rows.next()) {
                    tokens.put(rows.getInt(1), rows.getString(2));
                  }
                }
              }
            });
    return tokens;
  }

  /** Checkpointed part numbers of several uploads, ascending per upload. */
  Map<String, List<Integer>> checkpointedNumbers(List<String> uploadIds) {
    Map<String, List<Integer>> numbers = new HashMap<>();
    if (uploadIds.isEmpty()) {
      return numbers;
    }
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement statement =
                  connection.prepareStatement(
                      "select upload_id, part_number from upload_part"
                          + " where upload_id = any(?) order by upload_id, part_number")) {
                statement.setArray(1, connection.createArrayOf("text", uploadIds.toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                  while (rows.next()) {
                    numbers
                        .computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
                        .add(rows.getInt(2));
                  }
                }
              }
            });
    return numbers;
  }

  void deleteAll(String uploadId) {
    em.createNativeQuery("delete from upload_part where upload_id = ?1")
        .setParameter(1, uploadId)
        .executeUpdate();
  }
}
