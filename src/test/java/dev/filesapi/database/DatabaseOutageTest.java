package dev.filesapi.database;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.PersistenceException;
import jakarta.persistence.QueryTimeoutException;
import jakarta.transaction.RollbackException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.hibernate.exception.GenericJDBCException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * Which failures are database outages, on exception chains built as the driver, Agroal, Hibernate
 * and Narayana build them.
 */
class DatabaseOutageTest {
  private static final PSQLException REFUSED =
      new PSQLException(
          "Connection to 127.0.0.1:5432 refused.", PSQLState.CONNECTION_UNABLE_TO_CONNECT);

  /** How Agroal reports a connection it could not create. */
  private static SQLException creating(Throwable cause) {
    return new SQLException("Exception while creating new connection", cause);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "08000", "08001", "08003", "08004", "08006", "08P01", "57P01", "57P02", "57P03", "53300"
      })
  void connectionAndShutdownStatesAreOutages(String state) {
    SQLException failure = new SQLException("lost", state);
    assertThat(DatabaseOutage.evidence(failure)).containsSame(failure);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "23505", // unique_violation
        "40001", // serialization_failure
        "40P01", // deadlock_detected
        "55P03", // lock_not_available
        "57014", // query_canceled: a statement timeout is the query's, not the database's
        "28P01", // invalid_password: misconfiguration, not an outage
        "3D000", // invalid_catalog_name
        "42P01", // undefined_table
        "XX000" // internal_error
      })
  void otherStatesAreNot(String state) {
    assertThat(DatabaseOutage.isOutage(new SQLException("no", state))).isFalse();
    assertThat(DatabaseOutage.isOutage(creating(new SQLException("no", state)))).isFalse();
  }

  @Test
  void connectionExceptionTypesAreOutagesWithoutAState() {
    assertThat(DatabaseOutage.isOutage(new SQLTransientConnectionException("gone"))).isTrue();
    assertThat(DatabaseOutage.isOutage(new SQLNonTransientConnectionException("gone"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Sorry, acquisition timeout!",
        "Acquisition timeout while waiting for new connection",
        "Acquisition timeout on health check"
      })
  void agroalAcquisitionTimeoutsAreOutages(String message) {
    SQLException timeout = new SQLException(message);
    assertThat(DatabaseOutage.evidence(timeout)).containsSame(timeout);
  }

  @Test
  void otherStatelessSqlExceptionsAreNot() {
    assertThat(DatabaseOutage.isOutage(new SQLException("Sorry, acquisition timeout"))).isFalse();
    assertThat(DatabaseOutage.isOutage(new SQLException((String) null))).isFalse();
    assertThat(
            DatabaseOutage.isOutage(
                new SQLException("This pool is closed and does not handle any more connections!")))
        .isFalse();
    // The message is only Agroal's when Agroal raised it: a plain SQLException.
    assertThat(DatabaseOutage.isOutage(new PSQLException("Sorry, acquisition timeout!", null)))
        .isFalse();
  }

  @Test
  void aConnectionAgroalCouldNotCreateIsJudgedByItsCause() {
    assertThat(DatabaseOutage.evidence(creating(REFUSED))).containsSame(REFUSED);
    PSQLException password = new PSQLException("password authentication failed", null);
    assertThat(DatabaseOutage.isOutage(creating(password))).isFalse();
  }

  @Test
  void ourOwnWrappersKeepTheEvidence() {
    assertThat(
            DatabaseOutage.evidence(
                new IllegalStateException("could not look up the API key", creating(REFUSED))))
        .containsSame(REFUSED);
    assertThat(
            DatabaseOutage.evidence(
                new DatabaseUnavailableException("listing files", creating(REFUSED))))
        .containsSame(REFUSED);
  }

  @Test
  void hibernateWrappingFindsTheDriversException() {
    GenericJDBCException acquire =
        new GenericJDBCException("Unable to acquire JDBC Connection", creating(REFUSED));
    PersistenceException persistence = new PersistenceException("query failed", acquire);
    assertThat(DatabaseOutage.evidence(persistence)).containsSame(REFUSED);

    SQLException timeout = new SQLException("Sorry, acquisition timeout!");
    assertThat(
            DatabaseOutage.evidence(
                new GenericJDBCException("Unable to acquire JDBC Connection", timeout)))
        .containsSame(timeout);
  }

  @Test
  void hibernatesConnectionExceptionIsEvidenceWhenNothingDeeperIs() {
    JDBCConnectionException connection =
        new JDBCConnectionException("could not execute query", new SQLException("odd"));
    assertThat(DatabaseOutage.evidence(new PersistenceException(connection)))
        .containsSame(connection);
  }

  @Test
  void genericJdbcExceptionsOfOtherCausesAreNot() {
    assertThat(
            DatabaseOutage.isOutage(
                new PersistenceException(
                    new GenericJDBCException("could not execute", new SQLException("x", "23505")))))
        .isFalse();
  }

  @Test
  void aQueryTimeoutIsAnOutageOnlyWhenItWrapsOne() {
    SQLException lost = new SQLException("An I/O error occurred", "08006");
    assertThat(DatabaseOutage.evidence(new QueryTimeoutException("timed out", lost)))
        .containsSame(lost);
    assertThat(
            DatabaseOutage.isOutage(
                new QueryTimeoutException(
                    "timed out", new SQLException("canceling statement", "57014"))))
        .isFalse();
  }

  @Test
  void narayanaDeferredExceptionsAreSearchedAsSuppressed() {
    SQLException shutdown =
        new SQLException("terminating connection due to administrator command", "57P01");
    RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit");
    rollback.addSuppressed(new IllegalStateException("deferred", shutdown));
    assertThat(DatabaseOutage.evidence(new IllegalStateException("commit", rollback)))
        .containsSame(shutdown);

    RollbackException caused = new RollbackException("ARJUNA016102");
    caused.initCause(new PersistenceException(creating(REFUSED)));
    assertThat(DatabaseOutage.evidence(caused)).containsSame(REFUSED);
  }

  @Test
  void chainedSqlExceptionsAreSearched() {
    BatchUpdateException batch = new BatchUpdateException("batch failed", "XX000", new int[0]);
    SQLException lost = new SQLException("An I/O error occurred", "08006");
    batch.setNextException(lost);
    assertThat(DatabaseOutage.evidence(batch)).containsSame(lost);
  }

  @Test
  void unrelatedFailuresAreNot() {
    assertThat(DatabaseOutage.isOutage(new IllegalStateException("bug"))).isFalse();
    assertThat(DatabaseOutage.isOutage(new PersistenceException("no such entity"))).isFalse();
    assertThat(
            DatabaseOutage.isOutage(
                new dev.filesapi.storage.StorageUnavailableException(
                    "begin", new java.net.ConnectException("refused"))))
        .isFalse();
  }

  @Test
  void causeCyclesEnd() {
    IllegalStateException a = new IllegalStateException("a");
    IllegalStateException b = new IllegalStateException("b", a);
    a.initCause(b);
    a.addSuppressed(b);
    assertThat(DatabaseOutage.isOutage(a)).isFalse();
  }

  @Test
  void evidenceIsLookedForThroughRealisticDepthsOnly() {
    Throwable shallow = REFUSED;
    for (int i = 0; i < 20; i++) {
      shallow = new RuntimeException("wrapper " + i, shallow);
    }
    assertThat(DatabaseOutage.evidence(shallow)).containsSame(REFUSED);

    Throwable pathological = REFUSED;
    for (int i = 0; i < 100; i++) {
      pathological = new RuntimeException("wrapper " + i, pathological);
    }
    assertThat(DatabaseOutage.isOutage(pathological)).isFalse();
  }

  @Test
  void translateKeepsTheCauseAndTellsOutagesApart() {
    SQLException refused = creating(REFUSED);
    RuntimeException outage = DatabaseOutage.translate("looking up the API key", refused);
    assertThat(outage)
        .isInstanceOf(DatabaseUnavailableException.class)
        .hasCause(refused)
        .hasMessage("looking up the API key failed: the database is unavailable");

    SQLException syntax = new SQLException("syntax error", "42601");
    RuntimeException bug = DatabaseOutage.translate("listing files", syntax);
    assertThat(bug)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasCause(syntax)
        .hasMessage("listing files failed");
  }

  @Test
  void describesTheEvidenceOnOneLine() {
    assertThat(DatabaseOutage.describe(REFUSED))
        .isEqualTo("PSQLException (SQLState 08001): Connection to 127.0.0.1:5432 refused.");
    assertThat(DatabaseOutage.describe(new SQLException("Sorry, acquisition timeout!")))
        .isEqualTo("SQLException: Sorry, acquisition timeout!");
  }
}
