package dev.filesapi.storage;

import dev.filesapi.storage.azure.AzureConfig;
import dev.filesapi.storage.azure.AzureStorageBackend;
import dev.filesapi.storage.gcs.GcsConfig;
import dev.filesapi.storage.gcs.GcsStorageBackend;
import dev.filesapi.storage.s3.S3StorageBackend;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The one {@link StorageBackend} of this deployment, chosen by {@code files.storage.backend}. Only
 * the chosen backend is built, so S3 needs no {@code files.gcs.*} settings, GCS no S3 ones and
 * Azure only {@code files.storage.azure.connection-string}.
 */
@ApplicationScoped
class StorageBackends {
  private static final Logger LOG = Logger.getLogger(StorageBackends.class);

  @Produces
  @ApplicationScoped
  StorageBackend selected(
      StorageConfig storage,
      Instance<S3StorageBackend> s3,
      Instance<GcsConfig> gcs,
      Instance<AzureConfig> azure,
      StoreDeadlines deadlines) {
    return switch (storage.backend()) {
      case "s3" -> s3.get();
      case "gcs" -> GcsStorageBackend.create(gcs.get(), storage.bucket(), deadlines);
      case "azure" -> AzureStorageBackend.create(azure.get(), storage.bucket(), deadlines);
      default ->
          throw new IllegalStateException(
              "files.storage.backend must be s3, gcs or azure, not '" + storage.backend() + "'");
    };
  }

  /** Each store call's deadline, from {@code files.storage.timeout.*} (checked at startup). */
  @Produces
  @Singleton
  StoreDeadlines deadlines(StorageTimeouts timeouts) {
    return StoreDeadlines.of(timeouts);
  }

  /**
   * Builds the backend when the service starts, so that a wrong storage configuration (an HMAC
   * access id without its secret, credentials that cannot sign offline, an unknown backend) stops
   * the start with its message instead of failing the first request. No store call is made here;
   * reaching the bucket is the readiness check's job.
   */
  void buildAtStartup(@Observes StartupEvent event, StorageBackend backend, StorageConfig storage) {
    LOG.infof("storage: %s backend, bucket %s", backend.name(), storage.bucket());
  }
}
