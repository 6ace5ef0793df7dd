package dev.filesapi.embedded;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of builds with the embedded default (the Maven default; production builds use {@code
 * -Dproduction} and get Quarkus' own main): starts an embedded PostgreSQL and S3 store for whatever
 * is not configured, then the service.
 */
@QuarkusMain
public class EmbeddedMain {
  public static void main(String... args) throws Exception {
    EmbeddedDefaults.startUnconfigured();
    Quarkus.run(args);
  }
}
