package dev.filesapi.storage.azure;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * Azure Blob Storage settings, read only when {@code files.storage.backend=azure}; the container is
 * {@code files.storage.bucket}.
 */
@ConfigMapping(prefix = "files.storage.azure")
public interface AzureConfig {
  /**
   * The storage account's connection string, as Azure's tools show it ({@code
   * DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net}), or
   * Azurite's ({@code UseDevelopmentStorage=true}, or with a {@code BlobEndpoint}). The account key
   * signs every call and every part URL locally.
   */
  Optional<String> connectionString();
}
