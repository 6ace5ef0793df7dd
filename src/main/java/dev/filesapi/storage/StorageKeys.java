package dev.filesapi.storage;

import jakarta.enterprise.context.ApplicationScoped;

/** Storage keys derive from ids only ({@code orgs/{org}/files/{file_uid}}), never from names. */
@ApplicationScoped
public class StorageKeys {
  private final String prefix;

  StorageKeys(StorageConfig config) {
    this.prefix = config.keyPrefix();
  }

  public String forFile(String organizationId, String fileUid) {
    return prefix + "/" + organizationId + "/files/" + fileUid;
  }
}
