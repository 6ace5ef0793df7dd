package dev.filesapi.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageBackendContractTest;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.TestDeadlines;
import dev.filesapi.support.AzuriteProcess;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The contract against Azurite, Microsoft's Azure Storage emulator, started by the test. */
@Tag("long") // ~18 s, Azurite's start included; the fast suite is at its 6 min; CI: -Plong
@EnabledIf(
    value = "dev.filesapi.support.AzuriteProcess#runnable",
    disabledReason = "Azurite is not installed (npm install azurite@3.37.0)")
class AzureStorageBackendContractLongTest extends StorageBackendContractTest {
  static final String CONTAINER = "contract";
  private static final Duration TTL = Duration.ofMinutes(10);

  private AzuriteProcess azurite;
  private StorageBackend backend;
  private StorageBackend unreachable;
  private StorageBackend missingContainer;

  @BeforeAll
  void startAzurite() throws Exception {
    azurite = AzuriteProcess.start();
    AzuriteContainers.create(azurite, CONTAINER);
    backend = backendAt(azurite.blobEndpoint(), CONTAINER, TestDeadlines.DEFAULTS);
    unreachable =
        backendAt(
            "http://127.0.0.1:" + closedPort() + "/" + AzuriteProcess.ACCOUNT,
            CONTAINER,
            TestDeadlines.SHORT);
    missingContainer =
        backendAt(azurite.blobEndpoint(), "no-such-container", TestDeadlines.DEFAULTS);
  }

  @AfterAll
  void stopAzurite() throws Exception {
    if (azurite != null) {
      azurite.close();
    }
  }

  private static StorageBackend backendAt(
      String blobEndpoint, String container, StoreDeadlines deadlines) {
    return AzureStorageBackend.create(
        AzureAccount.parse(AzuriteProcess.connectionString(blobEndpoint)), container, deadlines);
  }

  @Override
  protected StorageBackend backend() {
    return backend;
  }

  @Override
  protected StorageBackend unreachableBackend() {
    return unreachable;
  }

  @Override
  protected StorageBackend missingBucketBackend() {
    return missingContainer;
  }

  @Override
  protected StorageBackend backendAt(String endpoint, StoreDeadlines deadlines) {
    return backendAt(endpoint + "/" + AzuriteProcess.ACCOUNT, CONTAINER, deadlines);
  }

  @Override
  protected int localStorePort() {
    return azurite.port();
  }

  @Override
  protected String missingBucketCode() {
    return "ContainerNotFound";
  }

  /**
   * Part URLs are Put Block URLs under a write SAS of the file's own blob, valid after the
   * complete: the complete leases the blob, so such a URL can no longer change the registered
   * bytes.
   */
  @Test
  void aPartUrlStillValidCannotWriteTheCompletedFile() throws Exception {
    String key = newKey();
    String uploadId = backend.begin(key, "text/csv");
    Map<Integer, PresignedUrl> urls = backend.presignParts(key, uploadId, List.of(0), TTL);
    put(urls.get(0).url(), bytes(100, 1));
    backend.complete(key, uploadId, List.of(new PartToken(0, "")));

    HttpResponse<String> again = plainPut(urls.get(0).url(), bytes(100, 2));
    HttpResponse<String> blob =
        plainPut(urls.get(0).url().substring(0, urls.get(0).url().indexOf("&comp=")), bytes(5, 3));

    assertThat(again.statusCode()).as(again.body()).isEqualTo(412);
    assertThat(blob.statusCode()).as(blob.body()).isIn(400, 412); // no blob type, or the lease
    assertThat(backend.stat(key).map(ObjectStat::size)).contains(100L);
    try (InputStream in = backend.open(key)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes(100, 1));
    }
    backend.delete(key);
    assertThat(backend.stat(key)).isEmpty();
  }

  /** Azurite never drops uncommitted blocks (Azure does after 7 days): an abort does. */
  @Test
  void anAbortDropsTheBlocksAndLeavesNoBlob() throws Exception {
    String key = newKey();
    String uploadId = backend.begin(key, "application/octet-stream");
    Map<Integer, PresignedUrl> urls = backend.presignParts(key, uploadId, List.of(0, 1), TTL);
    put(urls.get(0).url(), bytes(1000, 4));
    put(urls.get(1).url(), bytes(1000, 5));

    backend.abort(key, uploadId);

    assertThat(backend.stat(key)).isEmpty();
    String again = backend.begin(key, "application/octet-stream");
    assertThat(backend.listParts(key, again)).isEmpty();
    backend.abort(key, again);
  }

  /** A PUT without any header, as the source API's client and curl send a part. */
  private static HttpResponse<String> plainPut(String url, byte[] body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
