package dev.filesapi.database;

import io.quarkus.arc.InactiveBeanException;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.jboss.logging.Logger;

/**
 * The production build's entry point ({@code quarkus.package.main-class}, pom.xml, profile
 * production; the embedded default's {@code EmbeddedMain} ends here too): runs the service, and
 * when it cannot start because no database is configured, stops with one line naming the setting
 * instead of Quarkus' "Bean is not active" stack.
 *
 * <p>The service needs {@code quarkus.datasource.jdbc.url}: without it Quarkus deactivates the
 * datasource and the persistence unit fails as it starts, before any application code runs. The
 * decision stays Quarkus' own (whatever source the URL would come from); this only words its
 * failure. Every other failure is logged as Quarkus logs it.
 */
@QuarkusMain(name = "database-required")
public final class DatabaseRequired {
  static final String NO_DATABASE =
      "Files API: no database configured: set QUARKUS_DATASOURCE_JDBC_URL"
          + " (quarkus.datasource.jdbc.url; see docs/deployment.md, Production database)";

  public static void main(String... args) {
    run(args);
  }

  /** Runs the service until it stops, then exits as Quarkus would. */
  public static void run(String... args) {
    Quarkus.run(
        null,
        (exitCode, failure) -> {
          if (failure != null) {
            report(failure);
          }
          ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(exitCode, failure);
        },
        args);
  }

  private static void report(Throwable failure) {
    if (noDatabaseUrl(failure)) {
      System.err.println(NO_DATABASE);
    } else {
      Logger.getLogger(Application.class).error("Failed to start application", failure);
    }
  }

  /** Quarkus' datasource bean, deactivated because its URL is not set, somewhere in the causes. */
  static boolean noDatabaseUrl(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof InactiveBeanException
          && String.valueOf(cause.getMessage()).contains("quarkus.datasource.jdbc.url")) {
        return true;
      }
    }
    return false;
  }
}
