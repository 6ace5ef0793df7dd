package dev.filesapi.storage;

import dev.filesapi.storage.gcs.GcsConfig;
import dev.filesapi.storage.gcs.GcsStorageBackend;
import dev.filesapi.storage.s3.S3StorageBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * The one {@link StorageBackend} of this deployment, chosen by {@code files.storage.backend}. Only
 * the chosen backend is built, so S3 needs no {@code files.gcs.*} settings and GCS no S3 ones.
 */
@ApplicationScoped
class StorageBackends {

  @Produces
  @ApplicationScoped
  StorageBackend selected(
      StorageConfig storage, Instance<S3StorageBackend> s3, Instance<GcsConfig> gcs) {
    return switch (storage.backend()) {
      case "s3" -> s3.get();
      case "gcs" -> GcsStorageBackend.create(gcs.get(), storage.bucket());
      default ->
          throw new IllegalStateException(
              "files.storage.backend must be s3 or gcs, not '" + storage.backend() + "'");
    };
  }
}
