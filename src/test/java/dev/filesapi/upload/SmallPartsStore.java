package dev.filesapi.upload;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.ForwardingStorageBackend;
import dev.filesapi.storage.s3.S3StorageBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * The real S3 backend declaring a smaller minimum part size (64 KiB instead of S3's 5 MiB), so that
 * a 10,000-part upload fits the disk of the project's machines (issue 24's tests): every call is
 * the real backend against the real server. Test-only; enabled by the profile of {@code
 * TenThousandParts*Test} (the store must accept such parts: {@code SmallPartsS3Proxy}).
 */
@Alternative
@ApplicationScoped
public class SmallPartsStore extends ForwardingStorageBackend {
  /** The smallest part this store is declared to take. */
  public static final long MIN_PART_SIZE = 64 * 1024;

  SmallPartsStore(S3StorageBackend store) {
    super(store);
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
}
