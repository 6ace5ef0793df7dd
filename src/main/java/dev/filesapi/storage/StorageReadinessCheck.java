package dev.filesapi.storage;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the configured bucket answers; the database has Quarkus' own check. */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {
  private final StorageBackend storage;

  StorageReadinessCheck(StorageBackend storage) {
    this.storage = storage;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("object-store").withData("backend", storage.name());
    try {
      storage.checkReachable();
      return response.up().build();
    } catch (StorageUnavailableException e) {
      return response.down().withData("reason", "bucket unreachable").build();
    } catch (StorageRejectedException e) {
      return response.down().withData("reason", "store refused: " + e.errorCode()).build();
    }
  }
}
