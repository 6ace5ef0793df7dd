package dev.filesapi.upload;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.storage.s3.S3StorageBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Test double of a store that keeps a CRC32C per object, as GCS does: S3Proxy keeps none, so this
 * wraps the real S3 backend, declares {@code crc32c}, and answers {@link #stat} with the CRC32C of
 * the bytes S3Proxy actually holds. Every other call is the real backend against the real server.
 * Enabled only by the {@link dev.filesapi.support.DeploymentVariant} profile.
 */
@Alternative
@ApplicationScoped
public class Crc32cComputingStore implements StorageBackend {
  private final S3StorageBackend store;

  Crc32cComputingStore(S3StorageBackend store) {
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
        IntegrityAlgorithm.CRC32C,
        real.minPartSize(),
        real.maxPartSize(),
        real.maxParts(),
        real.reportsPartSize());
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    return store
        .stat(key)
        .map(stat -> new ObjectStat(stat.size(), Optional.of(crc32cOfStoredBytes(key))));
  }

  private String crc32cOfStoredBytes(String key) {
    CRC32C crc = new CRC32C();
    try (InputStream in = store.open(key)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        crc.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder()
        .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
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
