package dev.filesapi.file;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Names and contents for the file tests, and where a stored file is in the test bucket. */
final class FileFixtures {
  private FileFixtures() {}

  static String uniqueName(String stem) {
    return "files-test/" + stem + "-" + UUID.randomUUID() + ".txt";
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The object key a file instance lives at: {@code orgs/{org}/files/{file_uid}}. */
  static String storageKey(String apiKey, String fileUid) {
    return "orgs/" + Tenants.organizationOf(apiKey) + "/files/" + fileUid;
  }

  static boolean objectExists(String key) {
    return FilesTestResource.store().blobStore().blobExists(FilesTestResource.BUCKET, key);
  }
}
