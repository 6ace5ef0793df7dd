package dev.filesapi.upload;

import dev.filesapi.common.AdvisoryLocks;
import dev.filesapi.common.ApiException;
import dev.filesapi.common.Ids;
import dev.filesapi.events.BlockingHooks;
import dev.filesapi.file.FileNaming;
import dev.filesapi.file.FileService;
import dev.filesapi.file.FileStatus;
import dev.filesapi.file.RegisteredFile;
import dev.filesapi.file.StoredFile;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageKeys;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.tenancy.Quotas;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * The upload state machine. Every method takes the caller's organization and sees only its uploads.
 * Storage calls never run inside a database transaction: state is committed before a store call and
 * its outcome committed after it.
 */
@ApplicationScoped
public class UploadService {
  private static final Logger LOG = Logger.getLogger(UploadService.class);
  private static final int CRC32C_BASE64_CHARS = 8;

  private final StorageBackend storage;
  private final StorageKeys keys;
  private final UploadConfig config;
  private final UploadParts parts;
  private final FileService files;
  private final Quotas quotas;
  private final UploadEvents events;
  private final EntityManager em;
  private final Clock clock;
  private final StorageTimer timer;
  private final BlockingHooks hooks;

  UploadService(
      StorageBackend storage,
      StorageKeys keys,
      UploadConfig config,
      UploadParts parts,
      FileService files,
      Quotas quotas,
      UploadEvents events,
      EntityManager em,
      Clock clock,
      StorageTimer timer,
      BlockingHooks hooks) {
    this.hooks = hooks;
    this.timer = timer;
    this.quotas = quotas;
    this.events = events;
    this.storage = storage;
    this.keys = keys;
    this.config = config;
    this.parts = parts;
    this.files = files;
    this.em = em;
    this.clock = clock;
  }

  // ---- initiate ----

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
    hooks.preInitiate(organizationId, hookUpload(null, request, plan)).requireAllowed(403);
    Quotas.Limits limits = admission.limits();

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
      abortInStoreQuietly(upload, "was not kept");
      throw e;
    }
    if (winner != upload) {
      // Another request created the upload while ours was being started in the store.
      abortInStoreQuietly(upload, "was not kept");
      return resume(winner, request);
    }
    events.transitioned(upload, null, UploadStatus.IN_PROGRESS);
    List<Integer> all = IntStream.range(0, plan.numParts()).boxed().toList();
    return initiateResponse(upload, false, describe(upload, all));
  }

  /** The organization's limits, and the upload to resume when one was asked for and exists. */
  private record Admission(Quotas.Limits limits, Optional<Upload> resumable) {}

  /** One read-only transaction: limits, the upload to resume, the fail-fast quota check. */
  private Admission admit(String organizationId, InitiateRequest request, PartPlan plan) {
    Quotas.Limits limits = quotas.of(organizationId);
    Quotas.requireFileSize(limits, plan.numBytes());
    if (request.resume()) {
      Optional<Upload> existing = findResumable(organizationId, request.filename());
      if (existing.isPresent()) {
        return new Admission(limits, existing);
      }
    }
    // Fail fast before touching the store; persistUnlessResumable checks again under a lock.
    Quotas.requireUploadSlot(limits, countInProgress(organizationId));
    return new Admission(limits, Optional.empty());
  }

  private Upload newUpload(String organizationId, InitiateRequest request, PartPlan plan) {
    Instant now = now();
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
    upload.status = UploadStatus.IN_PROGRESS;
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
    upload.persist();
    events.announce(upload, null, UploadStatus.IN_PROGRESS);
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
   */
  private Optional<Upload> findResumable(String organizationId, String filename) {
    @SuppressWarnings("unchecked")
    List<Upload> found =
        em.createNativeQuery(
                "select * from upload where organization_id = ?1 and filename = ?2"
                    + " and status = 'in_progress' order by created_at desc limit 1",
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
    return initiateResponse(upload, true, describe(upload, remaining));
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

  /**
   * Presigned descriptors in the given order; a number given twice gets the same URL. Where the
   * backend signs cheaply, the list signs each URL when it is read (as the answer is written), so
   * an answer of 10,000 parts never holds 10,000 URLs (~5 MB) at once.
   */
  private List<PartDescriptor> describe(Upload upload, List<Integer> partNumbers) {
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

  // ---- part URLs and checkpoints ----

  public PartUrlsResponse partUrls(String organizationId, String uploadId, List<Integer> numbers) {
    Upload upload = QuarkusTransaction.requiringNew().call(() -> require(organizationId, uploadId));
    requirePartNumbers("part_numbers", numbers, upload.numParts);
    requireInProgress(upload);
    return new PartUrlsResponse(describe(upload, numbers));
  }

  public CheckpointResponse checkpoint(
      String organizationId, String uploadId, List<PartTokenEntry> entries) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              // A shared row lock: checkpoints run side by side, a complete waits for them.
              Upload upload = require(organizationId, uploadId, LockModeType.PESSIMISTIC_READ);
              requireTokens("parts", entries, upload.numParts);
              requireInProgress(upload);
              // A part named twice is stored once, with its last token: count what is stored.
              Map<Integer, String> tokens = latestTokens(entries);
              parts.upsert(upload.id, tokens, now());
              return new CheckpointResponse(tokens.size());
            });
  }

  // ---- complete ----

  /** What the first phase of complete decided. */
  private record CompletePlan(
      Upload upload,
      List<PartToken> tokens,
      boolean checkpointed,
      StoredFile existing,
      String checksum) {}

  public RegisteredFile complete(String organizationId, String uploadId, CompleteRequest request) {
    CompletePlan plan =
        QuarkusTransaction.requiringNew()
            .call(() -> beginComplete(organizationId, uploadId, request));
    if (plan.existing() != null) {
      return RegisteredFile.of(plan.existing());
    }
    Upload upload = plan.upload();
    Optional<ObjectStat> stat = null;
    try {
      timer.time(
          upload.backend,
          "complete",
          () -> storage.complete(upload.storageKey, upload.backendUploadId, plan.tokens()));
    } catch (InvalidPartsException e) {
      reopen(upload);
      throw new ApiException(
          400,
          "invalid_part",
          "The store does not hold these parts as given: "
              + e.partNumbers()
              + "; re-upload them and complete again",
          null,
          e.partNumbers(),
          null);
    } catch (StorageUnavailableException | StorageRejectedException e) {
      reopen(upload);
      throw e;
    } catch (NoSuchUploadException e) {
      // A complete that reached the store before a crash already assembled the object.
      stat = statOrReopen(upload);
      if (stat.isEmpty() || stat.get().size() != upload.numBytes) {
        fail(upload);
        throw ApiException.conflict(
            "upload_failed", "The store no longer has this upload; start a new one");
      }
    }
    Optional<String> crc32c = verifyCrc32c(upload, plan.checksum(), stat);
    screen(upload);
    return RegisteredFile.of(registerAssembled(upload, crc32c, plan.checkpointed()));
  }

  private static BlockingHooks.HookUpload hookUpload(
      Upload upload, InitiateRequest request, PartPlan plan) {
    return upload == null
        ? new BlockingHooks.HookUpload(
            null, null, request.filename(), request.fileType(), plan.numBytes())
        : new BlockingHooks.HookUpload(
            upload.id, upload.fileUid, upload.filename, upload.fileType, upload.numBytes);
  }

  /**
   * The pre-complete hook sees the assembled object before it is registered: a refusal, or a hook
   * that cannot be asked, deletes the object and fails the upload (the store's multipart upload is
   * gone, so a complete could not be repeated).
   */
  private void screen(Upload upload) {
    BlockingHooks.Verdict verdict;
    try {
      verdict =
          hooks.preComplete(
              upload.organizationId,
              hookUpload(upload, null, null),
              ttl -> storage.presignDownload(upload.storageKey, ttl, "attachment"));
    } catch (ApiException unavailable) {
      files.discardObject(upload.storageKey);
      fail(upload);
      throw unavailable;
    }
    if (!verdict.allowed()) {
      files.discardObject(upload.storageKey);
      fail(upload);
      throw BlockingHooks.rejected(422, verdict.reason());
    }
  }

  private Optional<ObjectStat> statOrReopen(Upload upload) {
    try {
      return timer.time(upload.backend, "stat", () -> storage.stat(upload.storageKey));
    } catch (StorageUnavailableException | StorageRejectedException e) {
      // The object is assembled; a retry finds the store upload gone and takes the stat path.
      reopen(upload);
      throw e;
    }
  }

  /**
   * For a {@code crc32c} upload, the object's CRC32C as the store keeps it, compared with the one
   * the client sent. A mismatch deletes the object and fails the upload: no file is registered
   * (rather than one marked Corrupt), so the name keeps its previous instance, if any.
   *
   * @param known the object's stat when already read, else null
   */
  private Optional<String> verifyCrc32c(Upload upload, String sent, Optional<ObjectStat> known) {
    if (!IntegrityAlgorithm.CRC32C.wireName().equals(upload.integrityAlgorithm)) {
      return Optional.empty();
    }
    Optional<ObjectStat> stat = known != null ? known : statOrReopen(upload);
    Optional<String> stored = stat.flatMap(ObjectStat::crc32c);
    if (sent == null) {
      return stored;
    }
    if (stored.isEmpty()) {
      LOG.warnf("upload %s: the store keeps no CRC32C, integrity_checksum not verified", upload.id);
      return Optional.empty();
    }
    if (!Arrays.equals(
        Base64.getDecoder().decode(sent), Base64.getDecoder().decode(stored.get()))) {
      files.discardObject(upload.storageKey);
      fail(upload);
      throw new ApiException(
          422,
          "checksum_mismatch",
          "The assembled file's CRC32C is "
              + stored.get()
              + ", not the integrity_checksum sent ("
              + sent
              + "); the upload has failed and its object is deleted: upload the file again",
          null,
          null,
          null);
    }
    return stored;
  }

  /**
   * Commits {@code completing → completed} with the file, once the store holds the object; removes
   * the object of the instance it replaced.
   */
  StoredFile registerAssembled(Upload upload) {
    return registerAssembled(upload, Optional.empty(), true);
  }

  /**
   * @param checkpointed whether the upload may have checkpointed parts to delete
   */
  private StoredFile registerAssembled(
      Upload upload, Optional<String> crc32c, boolean checkpointed) {
    FileService.Registration registration =
        QuarkusTransaction.requiringNew().call(() -> finishComplete(upload, crc32c, checkpointed));
    registration.replacedStorageKey().ifPresent(files::discardObject);
    return registration.file();
  }

  private CompletePlan beginComplete(
      String organizationId, String uploadId, CompleteRequest request) {
    Upload upload = require(organizationId, uploadId, LockModeType.PESSIMISTIC_WRITE);
    switch (upload.status) {
      case COMPLETED -> {
        return new CompletePlan(upload, List.of(), false, fileOf(upload), null);
      }
      case COMPLETING -> throw completing("retry shortly to get the file");
      case IN_PROGRESS -> {}
      default -> throw notInProgress(upload);
    }
    requireChecksum(upload, request.integrityChecksum());
    List<PartTokenEntry> given = request.partsOrEmpty();
    requireTokens("parts", given, upload.numParts);
    TreeMap<Integer, String> checkpointed = parts.checkpointed(upload.id);
    TreeMap<Integer, String> tokens = new TreeMap<>(checkpointed);
    tokens.putAll(latestTokens(given));
    List<Integer> missing =
        IntStream.range(0, upload.numParts).filter(n -> !tokens.containsKey(n)).boxed().toList();
    if (!missing.isEmpty()) {
      throw new ApiException(
          400,
          "missing_parts",
          missing.size() + " part(s) have no token: checkpoint them or send them in parts",
          null,
          missing,
          null);
    }
    transition(upload, UploadStatus.COMPLETING);
    List<PartToken> ordered = new ArrayList<>(tokens.size());
    tokens.forEach((number, token) -> ordered.add(new PartToken(number, token)));
    // No checkpoint can arrive while the upload is completing: none now means none to delete later.
    return new CompletePlan(
        upload, ordered, !checkpointed.isEmpty(), null, request.integrityChecksum());
  }

  private FileService.Registration finishComplete(
      Upload detached, Optional<String> crc32c, boolean checkpointed) {
    Upload upload = Upload.findById(detached.id, LockModeType.PESSIMISTIC_WRITE);
    if (upload.status != UploadStatus.COMPLETING) {
      throw ApiException.conflict(
          "upload_not_in_progress", "The upload is " + upload.status.wireName());
    }
    transition(upload, UploadStatus.COMPLETED);
    upload.completedAt = upload.updatedAt;
    if (checkpointed) {
      parts.deleteAll(upload.id);
    }
    StoredFile file = new StoredFile();
    file.fileUid = upload.fileUid;
    file.organizationId = upload.organizationId;
    file.fileId = upload.filename;
    file.uploadId = upload.id;
    file.fileType = upload.fileType;
    file.numBytes = upload.numBytes;
    file.status = FileStatus.REGISTERED.name();
    file.storageKey = upload.storageKey;
    file.backend = upload.backend;
    crc32c.ifPresent(
        value -> {
          file.checksumAlgorithm = IntegrityAlgorithm.CRC32C.wireName();
          file.checksumValue = value;
        });
    file.createdAt = upload.completedAt;
    events.announceCompleted(upload, file);
    return files.register(file);
  }

  /** The file a completed upload registered; a newer instance of the name may have replaced it. */
  private StoredFile fileOf(Upload upload) {
    return StoredFile.findByUid(upload.organizationId, upload.fileUid)
        .orElseGet(
            () -> {
              StoredFile gone = new StoredFile();
              gone.fileUid = upload.fileUid;
              gone.fileId = upload.filename;
              gone.numBytes = upload.numBytes;
              gone.status = FileStatus.REGISTERED.name();
              return gone;
            });
  }

  /** {@code completing → in_progress}: the store did not assemble the object. */
  void reopen(Upload upload) {
    leaveCompleting(upload, UploadStatus.IN_PROGRESS);
  }

  /** {@code completing → failed}: the store lost the upload without an object. */
  void fail(Upload upload) {
    leaveCompleting(upload, UploadStatus.FAILED);
  }

  /** Moves an upload out of {@code completing}, unless another request already did. */
  private void leaveCompleting(Upload upload, UploadStatus to) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Upload current = Upload.findById(upload.id, LockModeType.PESSIMISTIC_WRITE);
              if (current.status == UploadStatus.COMPLETING) {
                transition(current, to);
              }
            });
  }

  private void requireChecksum(Upload upload, String checksum) {
    if (checksum == null) {
      return;
    }
    if (IntegrityAlgorithm.NONE.wireName().equals(upload.integrityAlgorithm)) {
      throw new ApiException(
          400,
          "checksum_not_supported",
          "This upload's integrity_algorithm is none; send no integrity_checksum",
          null,
          null,
          null);
    }
    if (checksum.length() != CRC32C_BASE64_CHARS || !isBase64(checksum)) {
      throw ApiException.validation(
          "integrity_checksum", "must be the base64 of a 4-byte big-endian CRC32C (8 characters)");
    }
  }

  private static boolean isBase64(String value) {
    try {
      return java.util.Base64.getDecoder().decode(value).length == 4;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // ---- abort ----

  /**
   * Marks the upload aborted, then aborts it in the store. The store call is repeated on every
   * abort of an aborted upload, so a retry after a store failure finishes the job.
   */
  public void abort(String organizationId, String uploadId) {
    Upload upload =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Upload found = require(organizationId, uploadId, LockModeType.PESSIMISTIC_WRITE);
                  switch (found.status) {
                    case IN_PROGRESS -> {
                      transition(found, UploadStatus.ABORTED);
                      parts.deleteAll(found.id);
                    }
                    case ABORTED, EXPIRED -> {}
                    case COMPLETED ->
                        throw ApiException.conflict(
                            "upload_completed", "The upload is completed; delete the file instead");
                    // Its outcome is not known yet: a retry learns it (completed or back in
                    // progress, which it then aborts).
                    case COMPLETING -> throw completing("retry shortly");
                    default -> throw notInProgress(found);
                  }
                  return found;
                });
    timer.time(
        upload.backend, "abort", () -> storage.abort(upload.storageKey, upload.backendUploadId));
  }

  /**
   * Aborts the upload's multipart upload in the store, for an upload already settled without it. A
   * store failure is logged, not thrown: a bucket lifecycle rule that aborts incomplete multipart
   * uploads removes what is left.
   *
   * @param settled what became of the upload, for the log line
   */
  void abortInStoreQuietly(Upload upload, String settled) {
    try {
      storage.abort(upload.storageKey, upload.backendUploadId);
    } catch (RuntimeException e) {
      // Any failure: the caller may be handling another exception, which this must not replace.
      LOG.warnf("upload %s %s, but the store abort failed: %s", upload.id, settled, e.getMessage());
    }
  }

  // ---- read side ----

  public UploadView get(String organizationId, String uploadId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Upload upload = require(organizationId, uploadId);
              List<Integer> checkpointed = new ArrayList<>(parts.checkpointed(upload.id).keySet());
              return view(upload, checkpointed);
            });
  }

  public UploadPage list(
      String organizationId, Optional<UploadStatus> status, int limit, Optional<String> cursor) {
    Optional<UploadCursor> after = cursor.map(UploadCursor::decode);
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              StringBuilder query = new StringBuilder("organizationId = :org");
              var parameters = io.quarkus.panache.common.Parameters.with("org", organizationId);
              status.ifPresent(
                  s -> {
                    query.append(" and status = :status");
                    parameters.and("status", s);
                  });
              after.ifPresent(
                  c -> {
                    // The first condition bounds the index range: the page starts at the
                    // cursor, not at the organization's newest upload.
                    query.append(
                        " and createdAt <= :createdAt"
                            + " and (createdAt < :createdAt or (createdAt = :createdAt and id < :id))");
                    parameters.and("createdAt", c.createdAt()).and("id", c.id());
                  });
              query.append(" order by createdAt desc, id desc");
              List<Upload> found =
                  Upload.<Upload>find(query.toString(), parameters).range(0, limit).list();
              boolean more = found.size() > limit;
              List<Upload> page = more ? found.subList(0, limit) : found;
              Map<String, List<Integer>> checkpointed =
                  parts.checkpointedNumbers(page.stream().map(u -> u.id).toList());
              List<UploadView> views = new ArrayList<>(page.size());
              for (Upload upload : page) {
                views.add(view(upload, checkpointed.getOrDefault(upload.id, List.of())));
              }
              String next =
                  more
                      ? new UploadCursor(
                              page.get(page.size() - 1).createdAt, page.get(page.size() - 1).id)
                          .encode()
                      : null;
              return new UploadPage(views, next);
            });
  }

  private UploadView view(Upload upload, List<Integer> checkpointed) {
    return new UploadView(
        upload.id,
        upload.fileUid,
        upload.filename,
        upload.numBytes,
        upload.numParts,
        storage.capabilities().reportsPartSize() ? upload.partSize : null,
        upload.integrityAlgorithm,
        upload.status.wireName(),
        checkpointed,
        upload.createdAt,
        upload.expiresAt,
        upload.status == UploadStatus.COMPLETED ? upload.filename : null);
  }

  // ---- shared rules ----

  private Upload require(String organizationId, String uploadId) {
    return require(organizationId, uploadId, LockModeType.NONE);
  }

  private Upload require(String organizationId, String uploadId, LockModeType lock) {
    Upload upload = Upload.findById(uploadId, lock);
    if (upload == null || !upload.organizationId.equals(organizationId)) {
      throw ApiException.notFound("Upload", uploadId);
    }
    return upload;
  }

  private static void requireInProgress(Upload upload) {
    if (upload.status != UploadStatus.IN_PROGRESS) {
      throw notInProgress(upload);
    }
  }

  private static ApiException completing(String advice) {
    return new ApiException(
        409,
        "upload_completing",
        "Another request is completing this upload; " + advice,
        null,
        null,
        Map.of("Retry-After", "1"));
  }

  private static ApiException notInProgress(Upload upload) {
    return ApiException.conflict(
        "upload_not_in_progress",
        "The upload is " + upload.status.wireName() + ", not in_progress");
  }

  private static void requirePartNumbers(String field, List<Integer> numbers, int numParts) {
    for (int i = 0; i < numbers.size(); i++) {
      int number = numbers.get(i);
      if (number < 0 || number >= numParts) {
        throw ApiException.validation(
            field + "[" + i + "]", "must be between 0 and " + (numParts - 1));
      }
    }
  }

  private static void requireTokens(String field, List<PartTokenEntry> entries, int numParts) {
    for (int i = 0; i < entries.size(); i++) {
      PartTokenEntry entry = entries.get(i);
      if (entry.partNumber() < 0 || entry.partNumber() >= numParts) {
        throw ApiException.validation(
            field + "[" + i + "].part_number", "must be between 0 and " + (numParts - 1));
      }
      if (entry.partToken().isBlank()
          || entry.partToken().length() > 1024
          || entry.partToken().chars().anyMatch(Character::isISOControl)) {
        throw ApiException.validation(
            field + "[" + i + "].part_token",
            "must be a non-empty ETag of at most 1024 characters, without control characters");
      }
    }
  }

  /** Tokens by part number; for a part given twice, the later entry wins. */
  private static Map<Integer, String> latestTokens(List<PartTokenEntry> entries) {
    Map<Integer, String> tokens = new TreeMap<>();
    for (PartTokenEntry entry : entries) {
      tokens.put(entry.partNumber(), entry.partToken());
    }
    return tokens;
  }

  void transition(Upload upload, UploadStatus to) {
    UploadStatus from = upload.status;
    upload.status = to;
    upload.updatedAt = now();
    events.transitioned(upload, from, to);
    events.announce(upload, from, to);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
