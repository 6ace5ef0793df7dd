package dev.filesapi.embedded;

import dev.filesapi.database.DatabaseRequired;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of builds with the embedded default (the Maven default; production builds use {@code
 * -Dproduction} and get {@link DatabaseRequired}): starts an embedded PostgreSQL and S3 store for
 * whatever is not configured, then the service as production builds run it.
 */
@QuarkusMain
public class EmbeddedMain {
  public static void main(String... args) throws Exception {
    EmbeddedDefaults.startUnconfigured();
    DatabaseRequired.run(args);
  }
}
