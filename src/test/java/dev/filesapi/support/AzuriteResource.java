package dev.filesapi.support;

import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.storage.azure.AzuriteContainers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL and Azurite ({@link AzuriteProcess}) with one container, the service configured for
 * Azure Blob as docs/stores.md gives it: {@code files.storage.backend=azure}, the container as
 * {@code files.storage.bucket} and the connection string. Both are stopped at the end.
 */
public class AzuriteResource implements QuarkusTestResourceLifecycleManager {
  public static final String CONTAINER = "files-azure";

  private static EmbeddedDatabase database;
  private static AzuriteProcess azurite;

  @Override
  public Map<String, String> start() {
    OpenApiConformance.install();
    Map<String, String> config = new HashMap<>();
    try {
      database = EmbeddedDatabase.start(Optional.empty());
      azurite = AzuriteProcess.start();
      AzuriteContainers.create(azurite, CONTAINER);
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("could not start PostgreSQL and Azurite", e);
    }
    config.put("files.storage.backend", "azure");
    config.put("files.storage.bucket", CONTAINER);
    config.put("files.storage.azure.connection-string", azurite.connectionString());
    config.putAll(FilesTestResource.serviceSettings(database));
    return config;
  }

  @Override
  public void stop() {
    try {
      if (azurite != null) {
        azurite.close();
      }
      if (database != null) {
        database.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping PostgreSQL and Azurite failed", e);
    } finally {
      azurite = null;
      database = null;
    }
  }
}
