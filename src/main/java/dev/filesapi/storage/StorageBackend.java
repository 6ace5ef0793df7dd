package dev.filesapi.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one seam between the service and an object store. Backends know nothing of HTTP requests or
 * the database; the service plans and answers from {@link #capabilities()} alone.
 *
 * <p>Part numbers are zero-based here as in the API; each backend maps them to its store's
 * numbering. Failures to reach the store (no answer, a deadline passed, an error on its side,
 * throttling) are {@link StorageUnavailableException}s; refusals retrying cannot cure (credentials,
 * permissions, a missing bucket) are {@link StorageRejectedException}s.
 */
public interface StorageBackend {

  /** The name recorded with each upload ({@code s3}, {@code gcs}). */
  String name();

  BackendCapabilities capabilities();

  /** Starts a multipart upload of {@code key}; returns the store's upload id. */
  String begin(String key, String contentType);

  /** Presigns the PUT of each given zero-based part; local work, no network call per part. */
  Map<Integer, PresignedUrl> presignParts(
      String key, String uploadId, Collection<Integer> partNumbers, Duration ttl);

  /**
   * Part PUTs of one upload signed one at a time, as they are asked for: an answer listing 10,000
   * parts then signs each URL while writing it and never holds them all. Empty where a signature
   * costs enough to be worth signing in parallel up front ({@link #presignParts}).
   */
  default Optional<PartSigner> partSigner(String key, String uploadId, Duration ttl) {
    return Optional.empty();
  }

  /** Signs the PUT of one zero-based part of one upload; any thread may use it. */
  @FunctionalInterface
  interface PartSigner {
    PresignedUrl sign(int partNumber);
  }

  /**
   * The parts the store holds for an open multipart upload.
   *
   * @throws NoSuchUploadException when the store does not know the upload (any more)
   */
  List<StoredPart> listParts(String key, String uploadId);

  /**
   * Assembles the object from the parts, in order.
   *
   * @throws InvalidPartsException when the store rejects a part's token or lacks a part
   */
  void complete(String key, String uploadId, List<PartToken> parts);

  /**
   * {@link #complete(String, String, List)} of an upload of {@code numBytes}: a store that copies
   * the bytes to assemble the object is given time in proportion to them. By default the deadline
   * is the per-part one.
   */
  default void complete(String key, String uploadId, List<PartToken> parts, long numBytes) {
    complete(key, uploadId, parts);
  }

  /** Aborts a multipart upload; an upload the store no longer knows counts as aborted. */
  void abort(String key, String uploadId);

  /** Size (and checksum where the store keeps one) of an object, empty when absent. */
  Optional<ObjectStat> stat(String key);

  /** A short-lived GET URL that downloads the object under the given disposition. */
  URI presignDownload(String key, Duration ttl, String contentDisposition);

  /** Streams an object's bytes (for {@code files.download.mode=stream}). */
  InputStream open(String key);

  /**
   * Writes a whole object from memory: the first {@code length} bytes of {@code content} (a small
   * simple upload, streamed from its form).
   */
  void put(String key, String contentType, byte[] content, int length);

  /**
   * Uploads one zero-based part of a multipart upload from memory (a large simple upload, streamed
   * from its form part by part); returns the part's token for {@link #complete}.
   */
  String putPart(String key, String uploadId, int partNumber, byte[] content, int length);

  /** Checks that the bucket can be reached with the configured credentials (readiness). */
  void checkReachable();

  /** Deletes an object; deleting an absent object succeeds. */
  void delete(String key);
}
