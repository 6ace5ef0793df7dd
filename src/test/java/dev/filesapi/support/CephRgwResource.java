package dev.filesapi.support;

import dev.filesapi.embedded.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL and a throwaway Ceph RADOS Gateway ({@link CephRgwProcess}), the service configured
 * for RGW with the settings the README's "Ceph RGW (Rook)" section gives. Both are stopped at the
 * end.
 */
public class CephRgwResource implements QuarkusTestResourceLifecycleManager {
  public static final String BUCKET = "files-rgw";

  private static EmbeddedDatabase database;
  private static CephRgwProcess rgw;

  @Override
  public Map<String, String> start() {
    OpenApiConformance.install();
    Map<String, String> config = new HashMap<>();
    try {
      database = EmbeddedDatabase.start(Optional.empty());
      rgw = CephRgwProcess.start("rgw-service", BUCKET);
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("could not start PostgreSQL and Ceph RGW", e);
    }
    config.putAll(rgw.serviceSettings(BUCKET));
    config.putAll(FilesTestResource.serviceSettings(database));
    return config;
  }

  /** The gateway, for tests that look at the bucket directly. */
  public static CephRgwProcess rgw() {
    return rgw;
  }

  @Override
  public void stop() {
    try {
      if (rgw != null) {
        rgw.close();
      }
      if (database != null) {
        database.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping PostgreSQL and Ceph RGW failed", e);
    } finally {
      rgw = null;
      database = null;
    }
  }
}
