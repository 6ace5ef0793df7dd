package dev.filesapi.tenancy;

import dev.filesapi.database.AdvisoryLocks;
import dev.filesapi.database.Ids;
import dev.filesapi.tenancy.admin.OrganizationAdmin;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes a fresh install usable at once: with {@code files.bootstrap.api-key} set, an organization
 * holding that key exists after startup.
 */
@ApplicationScoped
public class Bootstrap {
  private static final Logger LOG = Logger.getLogger(Bootstrap.class);
  static final String ORGANIZATION_NAME = "default";

  @ConfigProperty(name = "files.bootstrap.api-key")
  Optional<String> bootstrapKey;

  @Inject EntityManager em;

  @Transactional
  void onStart(@Observes StartupEvent event, Clock clock, OrganizationAdmin admin) {
    if (bootstrapKey.isEmpty() || bootstrapKey.get().isBlank()) {
      return;
    }
    String key = bootstrapKey.get().trim();
    // Replicas starting together must not both create the organization.
    AdvisoryLocks.lock(em, "bootstrap", "", "");
    if (ApiKey.count("keyHash", ApiKeys.hash(key)) > 0) {
      return;
    }
    Organization organization = new Organization();
    organization.id = Ids.organization();
    organization.name = ORGANIZATION_NAME;
    organization.createdAt = clock.instant();
    organization.persist();
    ApiKey apiKey = admin.addKey(organization, "bootstrap", key);
    LOG.infof(
        "bootstrap: organization %s created with API key %s…", organization.id, apiKey.keyPrefix);
  }
}
