package dev.filesapi.embedded;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tells a first-time user where everything is once the service is up. */
@ApplicationScoped
class EmbeddedBanner {
  private static final Logger LOG = Logger.getLogger("dev.filesapi.embedded");

  @ConfigProperty(name = "quarkus.http.port")
  int port;

  void onStart(@Observes StartupEvent event) {
    String database = System.getProperty(EmbeddedDefaults.DATABASE);
    String store = System.getProperty(EmbeddedDefaults.STORE);
    String keyFile = System.getProperty(EmbeddedDefaults.KEY_FILE);
    if (database == null && store == null && keyFile == null) {
      return;
    }
    StringBuilder out = new StringBuilder("Files API is running with the embedded default\n");
    out.append("  API:          http://localhost:").append(port).append("/v1\n");
    out.append("  Swagger UI:   http://localhost:").append(port).append("/q/swagger-ui\n");
    out.append("  Upload page:  http://localhost:").append(port).append("/upload/\n");
    if (database != null) {
      out.append("  PostgreSQL:   embedded, ").append(database).append('\n');
    }
    if (store != null) {
      out.append("  S3 store:     embedded, ").append(store).append('\n');
    }
    if (keyFile != null) {
      out.append("  API key:      export FILES_API_KEY=$(cat ").append(keyFile).append(")\n");
    }
    LOG.info(out);
  }
}
