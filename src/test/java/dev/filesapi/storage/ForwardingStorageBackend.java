package dev.filesapi.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test store that is the real backend but for what a subclass overrides: every call goes to the
 * real backend against the real server.
 */
public abstract class ForwardingStorageBackend implements StorageBackend {
  protected final StorageBackend store;

  protected ForwardingStorageBackend(StorageBackend store) {
    this.store = store;
  }

  /** For the client proxy of a normal-scoped subclass (CDI): it forwards to the real instance. */
  protected ForwardingStorageBackend() {
    this(null);
  }

  @Override
  public String name() {
    return store.name();
  }

  @Override
  public BackendCapabilities capabilities() {
    return store.capabilities();
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
