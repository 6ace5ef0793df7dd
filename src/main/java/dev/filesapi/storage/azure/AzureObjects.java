package dev.filesapi.storage.azure;

import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.azure.AzureBlobs.Answer;
import dev.filesapi.storage.azure.AzureBlobs.Call;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * Whole-blob calls of the Azure backend: properties, download URLs and reads, the service's own
 * writes, the lease that guards a completed upload's blob, deletes (through that lease), the
 * container probe.
 */
final class AzureObjects {
  private final AzureBlobs blobs;
  private final StoreDeadlines deadlines;

  AzureObjects(AzureBlobs blobs, StoreDeadlines deadlines) {
    this.blobs = blobs;
    this.deadlines = deadlines;
  }

  Optional<ObjectStat> stat(String key) {
    Answer answer = blobs.send(new Call("head " + key, "HEAD", key), deadlines.control());
    if (answer.status() == 404 && !"ContainerNotFound".equals(answer.code())) {
      return Optional.empty();
    }
    if (!answer.ok()) {
      throw AzureBlobs.failure("head " + key, answer);
    }
    long size = Long.parseLong(answer.header("Content-Length"));
    return Optional.of(new ObjectStat(size, Optional.empty()));
  }

  URI presignDownload(String key, Duration ttl, String contentDisposition) {
    Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(ttl);
    return URI.create(
        blobs.url(key)
            + "?"
            + blobs.signer().blobSas(blobs.container(), key, "r", expiresAt, contentDisposition));
  }

  InputStream open(String key) {
    AzureBlobs.Exchanged<InputStream> opened =
        blobs.open(new Call("get " + key, "GET", key), deadlines.control());
    if (opened.refusal() != null) {
      throw AzureBlobs.failure("get " + key, opened.refusal());
    }
    return opened.response().body();
  }

  void put(String key, String contentType, byte[] content, int length) {
    Answer answer =
        blobs.send(
            new Call("put " + key, "PUT", key)
                .header("x-ms-blob-type", "BlockBlob")
                .header("Content-Type", contentType)
                .body(content, length),
            deadlines.put(length));
    if (!answer.ok()) {
      throw AzureBlobs.failure("put " + key, answer);
    }
  }

  void checkReachable() {
    Answer answer =
        blobs.send(
            new Call("get container properties", "HEAD", null).query("restype", "container"),
            deadlines.control());
    if (!answer.ok()) {
      throw AzureBlobs.failure("get container properties", answer);
    }
  }

  /**
   * Deletes a blob, with the lease a completed upload holds on it (without where it has none); with
   * {@code ifMatch}, only that version. An absent blob is fine.
   */
  void delete(String key, String action, Optional<String> ifMatch) {
    Call leased = new Call(action, "DELETE", key).header("x-ms-lease-id", leaseId(key));
    ifMatch.ifPresent(etag -> leased.header("If-Match", etag));
    Answer answer = blobs.send(leased, deadlines.control());
    if (answer.status() == 412 && "LeaseNotPresentWithBlobOperation".equals(answer.code())) {
      Call plain = new Call(action, "DELETE", key);
      ifMatch.ifPresent(etag -> plain.header("If-Match", etag));
      answer = blobs.send(plain, deadlines.control());
    }
    if (!answer.ok() && !(answer.status() == 404 && "BlobNotFound".equals(answer.code()))) {
      throw AzureBlobs.failure(action, answer);
    }
  }

  /** Deletes a blob no lease guards (an upload's marker); an absent one is fine. */
  void deleteUnleased(String blob, String action) {
    Answer answer = blobs.send(new Call(action, "DELETE", blob), deadlines.control());
    if (!answer.ok() && !(answer.status() == 404 && "BlobNotFound".equals(answer.code()))) {
      throw AzureBlobs.failure(action, answer);
    }
  }

  /**
   * Leases the registered blob for good, under an id only this service derives: a part URL still
   * valid cannot write it any more (Put Block, Put Block List and Put Blob need the lease).
   */
  void lease(String key) {
    Answer answer =
        blobs.send(
            new Call("lease " + key, "PUT", key)
                .query("comp", "lease")
                .header("x-ms-lease-action", "acquire")
                .header("x-ms-lease-duration", "-1")
                .header("x-ms-proposed-lease-id", leaseId(key)),
            deadlines.control());
    if (!answer.ok()) {
      throw AzureBlobs.failure("lease " + key, answer);
    }
  }

  static String leaseId(String key) {
    return UUID.nameUUIDFromBytes(("files-api lease " + key).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
