package dev.filesapi.storage.azure;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.storage.azure.AzureBlobs.Answer;
import dev.filesapi.storage.azure.AzureBlobs.Call;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Azure Blob Storage through its REST API, without an SDK: each part is a block of the file's own
 * blob, PUT by the client to a Put Block URL under a service SAS (no header to add, so the source
 * API's client and curl work unchanged); complete commits the blocks in order (Put Block List, no
 * bytes copied) and then leases the blob for good, so a part URL still valid cannot overwrite the
 * registered file. Put Block answers no {@code ETag}: a part's token is the empty string ({@link
 * BackendCapabilities#partTokens()}). An upload exists as a small marker blob beside the file
 * ({@code KEY.upload-ID}, holding the content type), so a dropped upload is told from one with no
 * part yet. Azure keeps no whole-file CRC32C: the integrity algorithm is {@code none}.
 *
 * <p>The account key (from the connection string) signs every call (Shared Key) and every URL
 * (service SAS), locally and in microseconds.
 */
public final class AzureStorageBackend implements StorageBackend {
  private static final long MIB = 1024L * 1024L;

  /**
   * Put Block takes up to 4,000 MiB (service version 2019-12-12 on); a blob up to 50,000 blocks, of
   * which the API's plans use 10,000. Azure has no smallest block; 5 MiB keeps plans as on S3.
   */
  static final BackendCapabilities CAPABILITIES =
      new BackendCapabilities(IntegrityAlgorithm.NONE, 5 * MIB, 4000 * MIB, 10_000, true, false);

  private static final String UPLOAD_MARKER = ".upload-";

  private final AzureBlobs blobs;
  private final AzureObjects objects;
  private final StoreDeadlines deadlines;

  AzureStorageBackend(AzureBlobs blobs, StoreDeadlines deadlines) {
    this.blobs = blobs;
    this.objects = new AzureObjects(blobs, deadlines);
    this.deadlines = deadlines;
  }

  /**
   * The backend for {@code files.storage.azure.connection-string} and the container.
   *
   * @throws IllegalStateException when the connection string is missing or lacks the account key
   */
  public static AzureStorageBackend create(
      AzureConfig config, String container, StoreDeadlines deadlines) {
    String connectionString =
        config
            .connectionString()
            .filter(value -> !value.isBlank())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "files.storage.backend=azure needs files.storage.azure.connection-string"
                            + " (env FILES_STORAGE_AZURE_CONNECTION_STRING)"));
    return create(AzureAccount.parse(connectionString), container, deadlines);
  }

  static AzureStorageBackend create(
      AzureAccount account, String container, StoreDeadlines deadlines) {
    return new AzureStorageBackend(
        new AzureBlobs(account, container, deadlines.control().attempt()), deadlines);
  }

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public BackendCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public String begin(String key, String contentType) {
    String uploadId = UUID.randomUUID().toString().replace("-", "");
    Answer answer =
        blobs.send(
            new Call("create upload marker of " + key, "PUT", marker(key, uploadId))
                .header("x-ms-blob-type", "BlockBlob")
                .header("Content-Type", contentType),
            deadlines.control());
    if (!answer.ok()) {
      throw AzureBlobs.failure("create upload marker of " + key, answer);
    }
    return uploadId;
  }

  @Override
  public Map<Integer, PresignedUrl> presignParts(
      String key, String uploadId, Collection<Integer> partNumbers, Duration ttl) {
    PartSigner signer = signerOf(key, ttl);
    Map<Integer, PresignedUrl> urls = new HashMap<>(partNumbers.size() * 2);
    for (int partNumber : partNumbers) {
      urls.put(partNumber, signer.sign(partNumber));
    }
    return urls;
  }

  @Override
  public Optional<PartSigner> partSigner(String key, String uploadId, Duration ttl) {
    return Optional.of(signerOf(key, ttl));
  }

  /** One SAS (write, this blob) serves every part; the block id goes after it. */
  private PartSigner signerOf(String key, Duration ttl) {
    Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(ttl);
    String base =
        blobs.url(key)
            + "?"
            + blobs.signer().blobSas(blobs.container(), key, "w", expiresAt, null)
            + "&comp=block&blockid=";
    return partNumber ->
        new PresignedUrl(base + AzureSigner.encode(AzureBlockList.blockId(partNumber)), expiresAt);
  }

  @Override
  public List<StoredPart> listParts(String key, String uploadId) {
    requireUpload(key, uploadId, "list parts of " + key);
    return blocks(key, "list parts of " + key);
  }

  /** The parts held as blocks of the blob, uncommitted ones before committed ones of a number. */
  private List<StoredPart> blocks(String key, String action) {
    Answer answer =
        blobs.send(
            new Call(action, "GET", key).query("comp", "blocklist").query("blocklisttype", "all"),
            deadlines.control());
    if (answer.status() == 404 && "BlobNotFound".equals(answer.code())) {
      return List.of(); // no block yet
    }
    if (!answer.ok()) {
      throw AzureBlobs.failure(action, answer);
    }
    return AzureBlockList.parts(answer.text());
  }

  @Override
  public void complete(String key, String uploadId, List<PartToken> parts) {
    complete(key, uploadId, parts, deadlines.complete(parts.size()));
  }

  /**
   * Put Block List copies no bytes, but the deadline is S3's all the same (it grows with the
   * bytes), so a store slow to commit a large blob is given the time a copying store would.
   */
  @Override
  public void complete(String key, String uploadId, List<PartToken> parts, long numBytes) {
    complete(key, uploadId, parts, deadlines.complete(parts.size(), numBytes));
  }

  private void complete(
      String key, String uploadId, List<PartToken> parts, StoreDeadlines.Deadline deadline) {
    String action = "complete upload of " + key;
    String contentType = requireUpload(key, uploadId, action);
    byte[] body = AzureBlockList.commit(parts);
    Answer committed =
        blobs.send(
            new Call(action, "PUT", key)
                .query("comp", "blocklist")
                .header("x-ms-blob-content-type", contentType)
                .header("Content-Type", "application/xml")
                .body(body, body.length),
            deadline);
    if (committed.status() == 400 && "InvalidBlockList".equals(committed.code())) {
      throw new InvalidPartsException(AzureBlockList.missing(parts, blocks(key, action)));
    }
    // 412 LeaseIdMissing: an earlier complete of this upload committed and leased the blob.
    if (!committed.ok() && !"LeaseIdMissing".equals(committed.code())) {
      throw AzureBlobs.failure(action, committed);
    }
    objects.lease(key);
    objects.deleteUnleased(marker(key, uploadId), "delete upload marker of " + key);
  }

  /**
   * The upload's content type, from its marker.
   *
   * @throws NoSuchUploadException when the marker is gone (aborted, completed) or never was
   */
  private String requireUpload(String key, String uploadId, String action) {
    Answer answer =
        blobs.send(new Call(action, "HEAD", marker(key, uploadId)), deadlines.control());
    if (answer.status() == 404 && !"ContainerNotFound".equals(answer.code())) {
      throw new NoSuchUploadException(action);
    }
    if (!answer.ok()) {
      throw AzureBlobs.failure(action, answer);
    }
    String contentType = answer.header("Content-Type");
    return contentType == null ? "application/octet-stream" : contentType;
  }

  private static String marker(String key, String uploadId) {
    return key + UPLOAD_MARKER + uploadId;
  }

  /**
   * Forgets the upload: its marker, and its uncommitted blocks (Azure drops them after 7 days,
   * Azurite never): an empty block list is committed only while no blob exists, then deleted.
   */
  @Override
  public void abort(String key, String uploadId) {
    String action = "abort upload of " + key;
    objects.deleteUnleased(marker(key, uploadId), action);
    byte[] empty = AzureBlockList.empty();
    Answer cleared =
        blobs.send(
            new Call(action, "PUT", key)
                .query("comp", "blocklist")
                .header("If-None-Match", "*")
                .header("Content-Type", "application/xml")
                .body(empty, empty.length),
            deadlines.control());
    if (cleared.ok()) {
      objects.delete(key, action, Optional.ofNullable(cleared.header("ETag")));
    } else if (cleared.status() != 409 && cleared.status() != 412) {
      throw AzureBlobs.failure(action, cleared); // 409/412: a blob is there; it is not ours to drop
    }
  }

  @Override
  public String putPart(String key, String uploadId, int partNumber, byte[] content, int length) {
    Answer answer =
        blobs.send(
            new Call("put block of " + key, "PUT", key)
                .query("comp", "block")
                .query("blockid", AzureBlockList.blockId(partNumber))
                .header("Content-Type", "application/octet-stream")
                .body(content, length),
            deadlines.put(length));
    if (!answer.ok()) {
      throw AzureBlobs.failure("put block of " + key, answer);
    }
    return "";
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    return objects.stat(key);
  }

  @Override
  public URI presignDownload(String key, Duration ttl, String contentDisposition) {
    return objects.presignDownload(key, ttl, contentDisposition);
  }

  @Override
  public InputStream open(String key) {
    return objects.open(key);
  }

  @Override
  public void put(String key, String contentType, byte[] content, int length) {
    objects.put(key, contentType, content, length);
  }

  @Override
  public void checkReachable() {
    objects.checkReachable();
  }

  /** Deletes a blob, with the lease a completed upload holds on it; an absent blob is fine. */
  @Override
  public void delete(String key) {
    objects.delete(key, "delete " + key, Optional.empty());
  }
}
