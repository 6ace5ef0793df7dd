package dev.filesapi.upload;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.ForwardingStorageBackend;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.s3.S3StorageBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
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
public class Crc32cComputingStore extends ForwardingStorageBackend {
  Crc32cComputingStore(S3StorageBackend store) {
    super(store);
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

  /** No signer on read: part URLs come from {@link #presignParts}, a path this variant covers. */
  @Override
  public Optional<PartSigner> partSigner(String key, String uploadId, Duration ttl) {
    return Optional.empty();
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
}
