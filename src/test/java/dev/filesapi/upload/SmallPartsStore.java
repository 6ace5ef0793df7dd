package dev.filesapi.upload;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.storage.s3.S3StorageBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real S3 backend declaring a smaller minimum part size (64 KiB instead of S3's 5 MiB), so that
 * a 10,000-part upload fits the disk of the project's machines (issue 24's tests): every call is
 * the real backend against the real server. Test-only; enabled by the profile of {@code
 * TenThousandParts*Test} (the store must accept such parts: {@code SmallPartsS3Proxy}).
 */
@Alternative
@ApplicationScoped
public class SmallPartsStore implements StorageBackend {
  /** The smallest part this store is declared to take. */
  public static final long MIN_PART_SIZE = 64 * 1024;

  private final S3StorageBackend store;

  SmallPartsStore(S3StorageBackend store) {
    this.store = store;
  }

  @Override
  public String name() {
    return store.name();
  }

  @Override
  public BackendCapabilities capabilities() {
    BackendCapabilities real = store.capabilities();
    return new BackendCapabilities(
        real.integrityAlgorithm(),
        MIN_PART_SIZE,
        real.maxPartSize(),
        real.maxParts(),
        real.reportsPartSize());
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    return store.stat(key);
  }

  @Override
  public Optional<PartSigner> partSigner(String key, String uploadId, Duration ttl) {
    return store.partSigner(key, uploadId, ttl);
  }

  @Override
  public String begin(String key, String contentType) {
    return store.begin(key, contentType);
  }

  @Override
  public Map<Integer, PresignedUrl> presignParts(
      String key, String uploadId, Collection<Integer> partNumbers, Duration ttl) {
    return store.presignParts(key, uploadId, partNumbers, ttl);
  }

  @Override
  public List<StoredPart> listParts(String key, String uploadId) {
    return store.listParts(key, uploadId);
  }

  @Override
  public void complete(String key, String uploadId, List<PartToken> parts) {
    store.complete(key, uploadId, parts);
  }

  @Override
  public void complete(String key, String uploadId, List<PartToken> parts, long numBytes) {
    store.complete(key, uploadId, parts, numBytes);
  }

  @Override
  public void abort(String key, String uploadId) {
    store.abort(key, uploadId);
  }

  @Override
  public URI presignDownload(String key, Duration ttl, String contentDisposition) {
    return store.presignDownload(key, ttl, contentDisposition);
  }

  @Override
  public InputStream open(String key) {
    return store.open(key);
  }

  @Override
  public void put(String key, String contentType, byte[] content, int length) {
    store.put(key, contentType, content, length);
  }

  @Override
  public String putPart(String key, String uploadId, int partNumber, byte[] content, int length) {
    return store.putPart(key, uploadId, partNumber, content, length);
  }

  @Override
  public void checkReachable() {
    store.checkReachable();
  }

  @Override
  public void delete(String key) {
    store.delete(key);
  }
}
