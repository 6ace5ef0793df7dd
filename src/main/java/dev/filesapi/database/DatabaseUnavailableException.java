package dev.filesapi.database;

/**
 * PostgreSQL could not be used (see {@link DatabaseOutage}); the request may be retried. The
 * driver's exception is the cause.
 */
public class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(String action, Throwable cause) {
    super(action + " failed: the database is unavailable", cause);
  }
}
