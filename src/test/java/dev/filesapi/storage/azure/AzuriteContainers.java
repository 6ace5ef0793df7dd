package dev.filesapi.storage.azure;

import dev.filesapi.storage.TestDeadlines;
import dev.filesapi.support.AzuriteProcess;

/** Creates containers on Azurite with the backend's own signed calls (Create Container). */
public final class AzuriteContainers {
  private AzuriteContainers() {}

  public static void create(AzuriteProcess azurite, String container) {
    AzureBlobs blobs =
        new AzureBlobs(
            AzureAccount.parse(azurite.connectionString()),
            container,
            TestDeadlines.DEFAULTS.control().attempt());
    AzureBlobs.Answer answer =
        blobs.send(
            new AzureBlobs.Call("create container", "PUT", null).query("restype", "container"),
            TestDeadlines.DEFAULTS.control());
    if (answer.status() != 201) {
      throw new IllegalStateException(
          "Azurite refused to create container " + container + ": " + answer.text());
    }
  }
}
