package dev.filesapi.database;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Tells a database outage (PostgreSQL stopped, restarting, unreachable, or no connection to be had
 * within the pool's acquisition timeout) from every other failure, by the exceptions in a failure's
 * causes. Hibernate, JTA and our own code wrap the driver's exception, so causes, suppressed
 * exceptions (Narayana adds the ones it deferred) and chained SQL exceptions are all searched.
 */
public final class DatabaseOutage {
  /** SQLState class 08: connection exception (refused, lost, timed out, rejected). */
  private static final String CONNECTION_EXCEPTION = "08";

  /**
   * admin_shutdown, crash_shutdown, cannot_connect_now (starting up or recovering), and
   * too_many_connections: the server is there but will not serve us now.
   */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

  /**
   * Agroal's messages when no connection was had within the acquisition timeout. They carry no
   * SQLState, so the message is all there is; the health check's one is included.
   */
  private static final Set<String> ACQUISITION_TIMEOUTS =
      Set.of(
          "Sorry, acquisition timeout!",
          "Acquisition timeout while waiting for new connection",
          "Acquisition timeout on health check");

  /** Enough for any real wrapping; a bound against pathological cause graphs. */
  private static final int MAX_EXCEPTIONS = 64;

  private DatabaseOutage() {}

  /**
   * The exception among failure's causes that shows the database could not be used, if any: the
   * driver's or the pool's own exception where there is one, else Hibernate's.
   */
  public static Optional<Throwable> evidence(Throwable failure) {
    Deque<Throwable> pending = new ArrayDeque<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable hibernate = null;
    pending.add(failure);
    while (!pending.isEmpty() && seen.size() < MAX_EXCEPTIONS) {
      Throwable next = pending.poll();
      if (!seen.add(next)) {
        continue;
      }
      if (next instanceof SQLException sql && isUnavailable(sql)) {
        return Optional.of(next);
      }
      if (hibernate == null && next instanceof JDBCConnectionException) {
        hibernate = next;
      }
      if (next.getCause() != null) {
        pending.add(next.getCause());
      }
      for (Throwable suppressed : next.getSuppressed()) {
        pending.add(suppressed);
      }
      if (next instanceof SQLException sql && sql.getNextException() != null) {
        pending.add(sql.getNextException());
      }
    }
    return Optional.ofNullable(hibernate);
  }

  /** Whether failure is (or wraps) a database outage. */
  public static boolean isOutage(Throwable failure) {
    return evidence(failure).isPresent();
  }

  /**
   * What to throw for a failed JDBC call: {@link DatabaseUnavailableException} for an outage,
   * otherwise an {@link IllegalStateException}; both keep the cause.
   *
   * @param action what was being done, for the message ("looking up the API key")
   */
  public static RuntimeException translate(String action, SQLException failure) {
    if (isOutage(failure)) {
      return new DatabaseUnavailableException(action, failure);
    }
    return new IllegalStateException(action + " failed", failure);
  }

  /**
   * One log line's worth: the evidence's type, SQLState and message. Driver and pool messages name
   * host and port, never credentials or bound values.
   */
  public static String describe(Throwable evidence) {
    String state = evidence instanceof SQLException sql ? sql.getSQLState() : null;
    return evidence.getClass().getSimpleName()
        + (state == null ? "" : " (SQLState " + state + ")")
        + ": "
        + evidence.getMessage();
  }

  private static boolean isUnavailable(SQLException e) {
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    if (state != null) {
      return state.startsWith(CONNECTION_EXCEPTION) || UNAVAILABLE_STATES.contains(state);
    }
    return e.getClass() == SQLException.class
        && e.getMessage() != null
        && ACQUISITION_TIMEOUTS.contains(e.getMessage());
  }
}
