package dev.filesapi.storage.gcs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.util.Optional;

/**
 * Google Cloud Storage settings, read only when {@code files.storage.backend=gcs}. Credentials for
 * the store calls come from Application Default Credentials (Workload Identity, {@code
 * GOOGLE_APPLICATION_CREDENTIALS}, gcloud).
 */
@ConfigMapping(prefix = "files.gcs")
public interface GcsConfig {
  /** The project; when absent the client takes it from the credentials or the environment. */
  Optional<String> projectId();

  /** HMAC key of the service account: part URLs are then signed in microseconds each. */
  Hmac hmac();

  /** Another XML API origin, e.g. {@code http://127.0.0.1:9000} for a local test server. */
  Optional<String> host();

  interface Hmac {
    /** The HMAC key's access id ({@code GOOG1…}). */
    @WithName("access-id")
    Optional<String> accessId();

    /** The HMAC key's secret. */
    Optional<String> secret();
  }
}
