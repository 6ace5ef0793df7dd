package dev.filesapi.storage;

/**
 * What a backend declares about itself; part plans and answers are derived from these values only,
 * never from which backend it is.
 *
 * @param integrityAlgorithm the whole-file checksum the backend can verify on complete
 * @param minPartSize smallest size of every part but the last
 * @param maxPartSize largest size of any part
 * @param maxParts largest number of parts in one upload
 * @param reportsPartSize whether {@code part_size} is reported to clients
 * @param partTokens whether a part's PUT answers a token (its {@code ETag}) that complete needs;
 *     where not (Azure's Put Block), a client's {@code part_token} may be empty, as the source
 *     API's client sends it then
 */
public record BackendCapabilities(
    IntegrityAlgorithm integrityAlgorithm,
    long minPartSize,
    long maxPartSize,
    int maxParts,
    boolean reportsPartSize,
    boolean partTokens) {

  public BackendCapabilities {
    if (minPartSize < 1 || maxPartSize < minPartSize || maxParts < 1) {
      throw new IllegalArgumentException("inconsistent part limits");
    }
  }

  /** A store whose part PUTs answer an {@code ETag} (S3, GCS). */
  public BackendCapabilities(
      IntegrityAlgorithm integrityAlgorithm,
      long minPartSize,
      long maxPartSize,
      int maxParts,
      boolean reportsPartSize) {
    this(integrityAlgorithm, minPartSize, maxPartSize, maxParts, reportsPartSize, true);
  }
}
