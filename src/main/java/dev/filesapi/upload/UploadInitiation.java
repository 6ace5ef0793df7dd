package dev.filesapi.upload;

import dev.filesapi.database.AdvisoryLocks;
import dev.filesapi.database.Ids;
import dev.filesapi.events.BlockingHooks;
import dev.filesapi.file.FileNaming;
import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageKeys;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.tenancy.Quotas;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The start of an upload: the part plan, admission (the organization's quotas and the pre-initiate
 * hook), the race-free find-or-create of {@code resume_if_started}, the multipart upload in the
 * store, and the descriptors of the parts still to PUT. No store call runs inside a transaction.
 */
@ApplicationScoped
public class UploadInitiation {
  private final StorageBackend storage;
  private final StorageKeys keys;
  private final UploadConfig config;
  private final UploadParts parts;
  private final Quotas quotas;
  private final UploadLifecycle lifecycle;
  private final PartDescriptors descriptors;
  private final UploadService uploads;
  private final EntityManager em;
  private final StorageTimer timer;
  private final BlockingHooks hooks;

  UploadInitiation(
      StorageBackend storage,
      StorageKeys keys,
      UploadConfig config,
      UploadParts parts,
      Quotas quotas,
      UploadLifecycle lifecycle,
      PartDescriptors descriptors,
      UploadService uploads,
      EntityManager em,
      StorageTimer timer,
      BlockingHooks hooks) {
    this.storage = storage;
    this.keys = keys;
    this.config = config;
    this.parts = parts;
    this.quotas = quotas;
    this.lifecycle = lifecycle;
    this.descriptors = descriptors;
    this.uploads = uploads;
    this.em = em;
    this.timer = timer;
    this.hooks = hooks;
  }

  public InitiateResponse initiate(String organizationId, InitiateRequest request) {
    FileNaming.requireValidFilename("filename", request.filename());
    FileNaming.requireValidMimeType("file_type", request.fileType());
    PartPlan plan =
        PartPlan.of(request.numBytes(), config.partSize().asLongValue(), storage.capabilities());
    Admission admission =
        QuarkusTransaction.requiringNew().call(() -> admit(organizationId, request, plan));
    if (admission.resumable().isPresent()) {
      return resume(admission.resumable().get(), request);
    }
    Started started = start(organizationId, request, plan, admission.limits());
    if (started.resumed()) {
      // Another request created the upload while ours was being started in the store.
      return resume(started.upload(), request);
    }
    List<Integer> all = IntStream.range(0, plan.numParts()).boxed().toList();
    return initiateResponse(started.upload(), false, descriptors.describe(started.upload(), all));
  }

  /**
   * Starts an unplanned upload (see {@link Upload#planned()}): the same admission, hook, store call
   * and insert as {@link #initiate}, without a part plan and never resumed; {@code max_file_bytes}
   * is enforced at complete.
   *
   * @param typeField the request's name for the media type, for a validation problem
   */
  public Upload initiateUnplanned(
      String organizationId, String filename, String fileType, String typeField) {
    FileNaming.requireValidFilename("filename", filename);
    FileNaming.requireValidMimeType(typeField, fileType);
    InitiateRequest request = new InitiateRequest(filename, fileType, null, false);
    Admission admission =
        QuarkusTransaction.requiringNew()
            .call(() -> admit(organizationId, request, PartPlan.UNPLANNED));
    return start(organizationId, request, PartPlan.UNPLANNED, admission.limits()).upload();
  }

  /** The upload a start ended with: the new one, or the one another request created first. */
  private record Started(Upload upload, boolean resumed) {}

  /**
   * The pre-initiate hook, the store's multipart upload, then the insert. The store's upload is
   * aborted when the insert fails or another request's upload of the name wins.
   */
  private Started start(
      String organizationId, InitiateRequest request, PartPlan plan, Quotas.Limits limits) {
    hooks
        .preInitiate(
            organizationId,
            new BlockingHooks.HookUpload(
                null, null, request.filename(), request.fileType(), plan.numBytes()))
        .requireAllowed(403);
    Upload upload = newUpload(organizationId, request, plan);
    upload.backendUploadId =
        timer.time(
            storage.name(), "begin", () -> storage.begin(upload.storageKey, upload.fileType));
    Upload winner;
    try {
      winner =
          QuarkusTransaction.requiringNew()
              .call(() -> persistUnlessResumable(upload, request, limits));
    } catch (RuntimeException e) {
      uploads.abortInStoreQuietly(upload, "was not kept");
      throw e;
    }
    if (winner != upload) {
      uploads.abortInStoreQuietly(upload, "was not kept");
    }
    return new Started(winner, winner != upload);
  }

  /** The organization's limits, and the upload to resume when one was asked for and exists. */
  private record Admission(Quotas.Limits limits, Optional<Upload> resumable) {}

  /** One read-only transaction: limits, the upload to resume, the fail-fast quota check. */
  private Admission admit(String organizationId, InitiateRequest request, PartPlan plan) {
    LimitsAndCount read = limitsAndCount(organizationId);
    Quotas.Limits limits = read.limits();
    Quotas.requireFileSize(limits, plan.numBytes());
    if (request.resume()) {
      Optional<Upload> existing = findResumable(organizationId, request.filename());
      if (existing.isPresent()) {
        return new Admission(limits, existing);
      }
    }
    // Fail fast before touching the store; persistUnlessResumable checks again under a lock.
    Quotas.requireUploadSlot(limits, read.inProgress());
    return new Admission(limits, Optional.empty());
  }

  private record LimitsAndCount(Quotas.Limits limits, long inProgress) {}

  /**
   * The organization's limits and its in-progress uploads in one statement (no entity): the count
   * is the same index-only scan as {@link #countInProgress}'s.
   */
  private LimitsAndCount limitsAndCount(String organizationId) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select o.max_in_progress_uploads, o.max_file_bytes,"
                    + " (select count(*) from upload u where u.organization_id = o.id"
                    + " and u.status = 'in_progress')"
                    + " from organization o where o.id = ?1")
            .setParameter(1, organizationId)
            .getResultList();
    if (rows.isEmpty()) {
      // Not expected for an authenticated caller: the entity path as before.
      return new LimitsAndCount(quotas.of(organizationId), countInProgress(organizationId));
    }
    Object[] row = rows.get(0);
    Quotas.Limits limits =
        quotas.of(
            row[0] == null ? null : ((Number) row[0]).intValue(),
            row[1] == null ? null : ((Number) row[1]).longValue());
    return new LimitsAndCount(limits, ((Number) row[2]).longValue());
  }

  private Upload newUpload(String organizationId, InitiateRequest request, PartPlan plan) {
    Instant now = lifecycle.now();
    Upload upload = new Upload();
    upload.id = Ids.upload();
    upload.organizationId = organizationId;
    upload.fileUid = Ids.file();
    upload.filename = request.filename();
    upload.fileType = request.fileType();
    upload.numBytes = plan.numBytes();
    upload.partSize = plan.partSize();
    upload.numParts = plan.numParts();
    upload.backend = storage.name();
    upload.storageKey = keys.forFile(organizationId, upload.fileUid);
    upload.integrityAlgorithm = storage.capabilities().integrityAlgorithm().wireName();
    upload.createdAt = now;
    upload.updatedAt = now;
    upload.expiresAt = now.plus(config.ttl());
    return upload;
  }

  /**
   * Inserts the new upload, unless resume was asked for and an in-progress upload of the name
   * exists by now: the advisory lock makes this find-or-create atomic across replicas.
   */
  private Upload persistUnlessResumable(
      Upload upload, InitiateRequest request, Quotas.Limits limits) {
    if (request.resume()) {
      AdvisoryLocks.lock(em, "upload", upload.organizationId, upload.filename);
      Optional<Upload> existing = findResumable(upload.organizationId, upload.filename);
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    // Serialises the count-and-insert of one organization, so the quota holds under races.
    AdvisoryLocks.lock(em, "quota", upload.organizationId, "in_progress");
    Quotas.requireUploadSlot(limits, countInProgress(upload.organizationId));
    lifecycle.initiate(upload);
    return upload;
  }

  /**
   * The status is a literal, not a parameter, for the reason given at {@link #findResumable}: the
   * count is then an index-only scan of the in-progress uploads' partial index in every plan. With
   * a parameter, the generic plan scanned all the organization's uploads (216 ms at a million).
   */
  private long countInProgress(String organizationId) {
    return ((Number)
            em.createNativeQuery(
                    "select count(*) from upload where organization_id = ?1"
                        + " and status = 'in_progress'")
                .setParameter(1, organizationId)
                .getSingleResult())
        .longValue();
  }

  /**
   * The status is a literal, not a parameter: only then may PostgreSQL's generic plan of the
   * prepared statement (used after a few executions) read the partial index of in-progress uploads
   * by name; with a parameter it scanned the organization's uploads (BENCHMARKS.md, issue 18).
   * Unplanned uploads are never resumed here: their client chooses the parts.
   */
  private Optional<Upload> findResumable(String organizationId, String filename) {
    @SuppressWarnings("unchecked")
    List<Upload> found =
        em.createNativeQuery(
                "select * from upload where organization_id = ?1 and filename = ?2"
                    + " and status = 'in_progress' and part_size is not null"
                    + " order by created_at desc limit 1",
                Upload.class)
            .setParameter(1, organizationId)
            .setParameter(2, filename)
            .getResultList();
    return found.stream().findFirst();
  }

  private InitiateResponse resume(Upload upload, InitiateRequest request) {
    if (!upload.fileType.equals(request.fileType()) || upload.numBytes != request.numBytes()) {
      throw ApiException.conflict(
          "upload_mismatch",
          "An in-progress upload of this filename has file_type "
              + upload.fileType
              + " and num_bytes "
              + upload.numBytes
              + "; the request differs");
    }
    Collection<Integer> done =
        QuarkusTransaction.requiringNew().call(() -> parts.checkpointed(upload.id).keySet());
    List<Integer> remaining =
        IntStream.range(0, upload.numParts).filter(n -> !done.contains(n)).boxed().toList();
    return initiateResponse(upload, true, descriptors.describe(upload, remaining));
  }

  private InitiateResponse initiateResponse(
      Upload upload, boolean isResume, List<PartDescriptor> descriptors) {
    return new InitiateResponse(
        upload.id,
        upload.fileUid,
        upload.filename,
        upload.numBytes,
        upload.numParts,
        storage.capabilities().reportsPartSize() ? upload.partSize : null,
        upload.integrityAlgorithm,
        isResume,
        descriptors,
        upload.expiresAt);
  }
}
