package dev.filesapi.upload;

import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageTimer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * The presigned part descriptors of an upload (URL, offset, length, expiry), as initiate, resume
 * and part URLs answer them. Presigning is local work: no store call per part.
 */
@ApplicationScoped
public class PartDescriptors {
  private final StorageBackend storage;
  private final UploadConfig config;
  private final StorageTimer timer;
  private final UploadEvents events;

  PartDescriptors(
      StorageBackend storage, UploadConfig config, StorageTimer timer, UploadEvents events) {
    this.storage = storage;
    this.config = config;
    this.timer = timer;
    this.events = events;
  }

  /**
   * Presigned descriptors in the given order; a number given twice gets the same URL. Where the
   * backend signs cheaply, the list signs each URL when it is read (as the answer is written), so
   * an answer of 10,000 parts never holds 10,000 URLs (~5 MB) at once.
   */
  List<PartDescriptor> describe(Upload upload, List<Integer> partNumbers) {
    PartPlan plan = upload.plan();
    Optional<StorageBackend.PartSigner> lazy =
        timer.time(
            upload.backend,
            "presign_parts",
            () -> storage.partSigner(upload.storageKey, upload.backendUploadId, config.urlTtl()));
    if (lazy.isPresent()) {
      events.partsPresigned(upload.backend, partNumbers.size());
      return new SignedOnRead(plan, List.copyOf(partNumbers), lazy.get());
    }
    Map<Integer, PresignedUrl> urls =
        timer.time(
            upload.backend,
            "presign_parts",
            () ->
                storage.presignParts(
                    upload.storageKey,
                    upload.backendUploadId,
                    new LinkedHashSet<>(partNumbers),
                    config.urlTtl()));
    events.partsPresigned(upload.backend, urls.size());
    List<PartDescriptor> descriptors = new ArrayList<>(partNumbers.size());
    for (int partNumber : partNumbers) {
      descriptors.add(descriptor(plan, partNumber, urls.get(partNumber)));
    }
    return descriptors;
  }

  /**
   * Presigned URLs of parts whose sizes the client chose (no offsets or lengths), for an upload
   * that has no part plan.
   */
  Map<Integer, PresignedUrl> urls(Upload upload, Collection<Integer> partNumbers) {
    Map<Integer, PresignedUrl> urls =
        timer.time(
            upload.backend,
            "presign_parts",
            () ->
                storage.presignParts(
                    upload.storageKey,
                    upload.backendUploadId,
                    new LinkedHashSet<>(partNumbers),
                    config.urlTtl()));
    events.partsPresigned(upload.backend, urls.size());
    return urls;
  }

  private static PartDescriptor descriptor(PartPlan plan, int partNumber, PresignedUrl url) {
    return new PartDescriptor(
        partNumber, url.url(), plan.offset(partNumber), plan.length(partNumber), url.expiresAt());
  }

  /** Descriptors whose URLs are signed each time they are read; the signing is deterministic. */
  private static final class SignedOnRead extends AbstractList<PartDescriptor>
      implements RandomAccess {
    private final PartPlan plan;
    private final List<Integer> partNumbers;
    private final StorageBackend.PartSigner signer;

    SignedOnRead(PartPlan plan, List<Integer> partNumbers, StorageBackend.PartSigner signer) {
      this.plan = plan;
      this.partNumbers = partNumbers;
      this.signer = signer;
    }

    @Override
    public PartDescriptor get(int index) {
      int partNumber = partNumbers.get(index);
      return descriptor(plan, partNumber, signer.sign(partNumber));
    }

    @Override
    public int size() {
      return partNumbers.size();
    }
  }
}
