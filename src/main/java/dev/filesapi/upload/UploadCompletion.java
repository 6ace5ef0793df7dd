package dev.filesapi.upload;

import static dev.filesapi.upload.UploadStates.latestTokens;
import static dev.filesapi.upload.UploadStates.notInProgress;
import static dev.filesapi.upload.UploadStates.require;
import static dev.filesapi.upload.UploadStates.requireTokens;

import dev.filesapi.events.BlockingHooks;
import dev.filesapi.file.FileService;
import dev.filesapi.file.FileStatus;
import dev.filesapi.file.RegisteredFile;
import dev.filesapi.file.StoredFile;
import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.StoredPart;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * The end of an upload, in two phases: mark it {@code completing} and commit, have the store
 * assemble the object, then verify its CRC32C, let the pre-complete hook screen it, and commit
 * {@code completed} with the registered file. Owns every way out of {@code completing} (back to
 * {@code in_progress}, {@code failed}), which the janitor's repair uses too.
 *
 * <p>A complete converges (issue 24): the second phase runs as {@link CompletionWork} in the
 * background, since a store that copies the bytes takes time in proportion to them; the request
 * waits up to {@code files.upload.complete-wait} for it, else answers {@code 202} with the upload.
 * A repeated complete joins the work running on this replica, or, when none runs (another replica,
 * a crash), drives it again: an object already assembled at the upload's key (size, and part count
 * where the ETag tells it) is registered; otherwise the store is asked to complete again, and a
 * store that no longer knows the multipart upload is answered by looking at the object.
 */
@ApplicationScoped
public class UploadCompletion {
  private static final Logger LOG = Logger.getLogger(UploadCompletion.class);
  private static final int CRC32C_BASE64_CHARS = 8;

  /** How often a complete driven by another replica is looked at while waiting for it. */
  private static final long ELSEWHERE_POLL_MILLIS = 500;

  private final StorageBackend storage;
  private final UploadParts parts;
  private final FileService files;
  private final UploadEvents events;
  private final UploadStates states;
  private final StorageTimer timer;
  private final BlockingHooks hooks;
  private final EntityManager em;
  private final CompletionWork work;
  private final UploadService uploads;
  private final UploadConfig config;
  private final StoreDeadlines deadlines;

  UploadCompletion(
      StorageBackend storage,
      UploadParts parts,
      FileService files,
      UploadEvents events,
      UploadStates states,
      StorageTimer timer,
      BlockingHooks hooks,
      EntityManager em,
      CompletionWork work,
      UploadService uploads,
      UploadConfig config,
      StoreDeadlines deadlines) {
    this.storage = storage;
    this.parts = parts;
    this.files = files;
    this.events = events;
    this.states = states;
    this.timer = timer;
    this.hooks = hooks;
    this.em = em;
    this.work = work;
    this.uploads = uploads;
    this.config = config;
    this.deadlines = deadlines;
  }

  /**
   * What the first phase of complete decided.
   *
   * @param tokens every part's token; on a re-drive, those known (checkpointed or sent), the rest
   *     to be asked of the store
   * @param redrive whether the upload was already {@code completing} with no work running here
   */
  private record CompletePlan(
      Upload upload,
      List<PartToken> tokens,
      boolean checkpointed,
      StoredFile existing,
      String checksum,
      boolean redrive,
      String apiKeyId,
      boolean elsewhere) {

    /** Another replica drives this upload's complete (its lease holds): wait for it. */
    static CompletePlan heldElsewhere(Upload upload) {
      return new CompletePlan(upload, List.of(), false, null, null, false, null, true);
    }
  }

  /**
   * What a complete request ends with: the registered file, or, while the store is still assembling
   * it, the upload as {@code GET /v1/files/uploads/{id}} shows it.
   */
  public record CompleteAnswer(RegisteredFile file, UploadView pending) {}

  public CompleteAnswer complete(String organizationId, String uploadId, CompleteRequest request) {
    return complete(
        organizationId, uploadId, request, System.nanoTime() + config.completeWait().toNanos());
  }

  /** As {@link #complete(String, String, CompleteRequest)}, waiting until {@code deadline}. */
  private CompleteAnswer complete(
      String organizationId, String uploadId, CompleteRequest request, long deadline) {
    AtomicReference<CompletionWork.Claim> claimed = new AtomicReference<>();
    CompletePlan plan;
    try {
      plan =
          QuarkusTransaction.requiringNew()
              .call(() -> beginComplete(organizationId, uploadId, request, claimed));
    } catch (RuntimeException e) {
      CompletionWork.Claim claim = claimed.get();
      if (claim != null && claim.owner()) {
        work.abandon(uploadId, claim.outcome(), e);
      }
      throw e;
    }
    if (plan.existing() != null) {
      return new CompleteAnswer(RegisteredFile.of(plan.existing()), null);
    }
    if (plan.elsewhere()) {
      return awaitElsewhere(organizationId, uploadId, request, deadline);
    }
    CompletionWork.Claim claim = claimed.get();
    if (claim.owner()) {
      work.start(plan.upload().id, claim.outcome(), () -> drive(plan));
    }
    return await(organizationId, plan.upload(), claim.outcome(), deadline);
  }

  /**
   * A complete another replica drives: the upload is polled until it leaves {@code completing} or
   * the holder's lease lapses (it died), and then completed here (the file, the failure, or a drive
   * of its own); {@code 202} with the upload when the wait ends first.
   */
  private CompleteAnswer awaitElsewhere(
      String organizationId, String uploadId, CompleteRequest request, long deadline) {
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return new CompleteAnswer(null, uploads.get(organizationId, uploadId));
      }
      try {
        Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(remaining) + 1, ELSEWHERE_POLL_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageUnavailableException("complete (interrupted)", e);
      }
      Upload upload =
          QuarkusTransaction.requiringNew().call(() -> require(organizationId, uploadId));
      if (!heldElsewhere(upload)) {
        return complete(organizationId, uploadId, request, deadline);
      }
    }
  }

  /** Whether the upload is completing under a lease that still holds. */
  private boolean heldElsewhere(Upload upload) {
    return upload.status == UploadStatus.COMPLETING
        && upload.completingUntil != null
        && upload.completingUntil.isAfter(states.now());
  }

  /**
   * Waits for the complete's work up to {@code files.upload.complete-wait}. Meanwhile the store is
   * probed with a control call: a store that answers nothing at all is an outage ({@code 503}
   * within about 10 s, the work going on), a slow one that answers is not.
   */
  private CompleteAnswer await(
      String organizationId,
      Upload upload,
      CompletableFuture<RegisteredFile> outcome,
      long deadline) {
    long waitNanos = config.completeWait().toNanos();
    long probeEvery = Math.max(1, Math.min(waitNanos / 2, deadlines.control().total().toNanos()));
    work.waiting(outcome);
    try {
      return awaitUntil(organizationId, upload, outcome, deadline, probeEvery);
    } finally {
      work.doneWaiting(outcome);
    }
  }

  private CompleteAnswer awaitUntil(
      String organizationId,
      Upload upload,
      CompletableFuture<RegisteredFile> outcome,
      long deadline,
      long probeEvery) {
    while (true) {
      long remaining = deadline - System.nanoTime();
      try {
        if (remaining <= 0) {
          return outcome.isDone()
              ? new CompleteAnswer(outcome.get(), null)
              : new CompleteAnswer(null, uploads.get(organizationId, upload.id));
        }
        return new CompleteAnswer(
            outcome.get(Math.min(remaining, probeEvery), TimeUnit.NANOSECONDS), null);
      } catch (TimeoutException e) {
        if (deadline - System.nanoTime() > 0) {
          timer.time(upload.backend, "probe", storage::checkReachable);
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException failure
            ? failure
            : new IllegalStateException("complete failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageUnavailableException("complete (interrupted)", e);
      }
    }
  }

  /** The second phase, in the background: the store's complete, then the registration. */
  private RegisteredFile drive(CompletePlan plan) {
    Upload upload = plan.upload();
    List<PartToken> tokens = plan.tokens();
    if (plan.redrive()) {
      // Left completing by a request that is gone: the store may have assembled the object.
      Optional<ObjectStat> object =
          timer.time(upload.backend, "stat", () -> storage.stat(upload.storageKey));
      if (object.isPresent() && assembled(upload, object.get())) {
        return finish(plan, object);
      }
      tokens = withStoredTokens(upload, tokens);
    }
    Optional<ObjectStat> stat = null;
    try {
      List<PartToken> sent = tokens;
      timer.time(
          upload.backend,
          "complete",
          () -> storage.complete(upload.storageKey, upload.backendUploadId, sent, upload.numBytes));
    } catch (InvalidPartsException e) {
      // Some stores (S3Proxy's in-memory one) answer a complete of a completed upload so.
      Optional<ObjectStat> object = statQuietly(upload);
      if (object.isPresent() && assembled(upload, object.get())) {
        return finish(plan, object);
      }
      reopen(upload);
      throw invalidParts(e.partNumbers());
    } catch (StorageUnavailableException e) {
      // An error answer may come from a store that finished the object (S3Proxy answers 500 to a
      // complete of a completed upload), and a complete cut by a timeout may have finished it
      // too (a store or proxy that sends nothing until the end is cut by the socket timeout on
      // every attempt, so only the object can settle it): the object decides.
      Optional<ObjectStat> object = statQuietly(upload);
      if (object.isEmpty() || !assembled(upload, object.get())) {
        reopen(upload);
        throw e;
      }
      stat = object;
    } catch (StorageRejectedException e) {
      reopen(upload);
      throw e;
    } catch (NoSuchUploadException e) {
      // A complete that reached the store before (a timeout, a crash, a lost answer) already
      // assembled the object.
      stat = statOrReopen(upload);
      if (stat.isEmpty() || !assembled(upload, stat.get())) {
        throw fail(upload, storeLostUpload());
      }
    }
    return finish(plan, stat);
  }

  private RegisteredFile finish(CompletePlan plan, Optional<ObjectStat> stat) {
    Upload upload = plan.upload();
    Optional<String> crc32c = verifyCrc32c(upload, plan.checksum(), stat);
    screen(upload, plan.apiKeyId());
    return RegisteredFile.of(registerAssembled(upload, crc32c, plan.checkpointed()));
  }

  /** {@code 400 invalid_part}: the store does not hold these parts with the tokens given. */
  static ApiException invalidParts(List<Integer> partNumbers) {
    return ApiException.aboutParts(
        400,
        "invalid_part",
        "The store does not hold these parts as given: "
            + partNumbers
            + "; re-upload them and complete again",
        partNumbers);
  }

  /** {@code 409 upload_failed}: the store forgot the multipart upload and holds no object. */
  static ApiException storeLostUpload() {
    return ApiException.conflict(
        "upload_failed", "The store no longer has this upload; start a new one");
  }

  /**
   * Whether the object at the upload's key is the upload's assembled file: its size, and its part
   * count where the ETag tells it. The key is the upload's own, never another's.
   */
  static boolean assembled(Upload upload, ObjectStat object) {
    return object.size() == upload.numBytes
        && object.multipartParts().map(parts -> parts == upload.numParts).orElse(true);
  }

  /** A re-drive's tokens: those known, and the rest as the store holds them. */
  private List<PartToken> withStoredTokens(Upload upload, List<PartToken> known) {
    if (known.size() == upload.numParts) {
      return known;
    }
    List<StoredPart> stored;
    try {
      stored =
          timer.time(
              upload.backend,
              "list_parts",
              () -> storage.listParts(upload.storageKey, upload.backendUploadId));
    } catch (NoSuchUploadException e) {
      throw fail(upload, storeLostUpload());
    }
    TreeMap<Integer, String> tokens = new TreeMap<>();
    stored.forEach(part -> tokens.put(part.partNumber(), part.token()));
    known.forEach(part -> tokens.put(part.partNumber(), part.token()));
    List<Integer> missing =
        IntStream.range(0, upload.numParts).filter(n -> !tokens.containsKey(n)).boxed().toList();
    if (!missing.isEmpty()) {
      reopen(upload);
      throw ApiException.aboutParts(
          400,
          "missing_parts",
          missing.size() + " part(s) have no token: checkpoint them or send them in parts",
          missing);
    }
    List<PartToken> ordered = new ArrayList<>(tokens.size());
    tokens.forEach((number, token) -> ordered.add(new PartToken(number, token)));
    return ordered;
  }

  private Optional<ObjectStat> statQuietly(Upload upload) {
    try {
      return timer.time(upload.backend, "stat", () -> storage.stat(upload.storageKey));
    } catch (StorageUnavailableException | StorageRejectedException e) {
      return Optional.empty();
    }
  }

  private static BlockingHooks.HookUpload hookUpload(Upload upload) {
    return new BlockingHooks.HookUpload(
        upload.id, upload.fileUid, upload.filename, upload.fileType, upload.numBytes);
  }

  /**
   * The pre-complete hook sees the assembled object before it is registered: a refusal, or a hook
   * that cannot be asked, deletes the object and fails the upload (the store's multipart upload is
   * gone, so a complete could not be repeated).
   */
  private void screen(Upload upload, String apiKeyId) {
    BlockingHooks.Verdict verdict;
    try {
      verdict = askPreComplete(upload, apiKeyId);
    } catch (ApiException unavailable) {
      files.discardObject(upload.storageKey);
      throw fail(upload, unavailable);
    }
    if (!verdict.allowed()) {
      files.discardObject(upload.storageKey);
      throw fail(upload, BlockingHooks.rejected(422, verdict.reason()));
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
      throw fail(
          upload,
          ApiException.of(
              422,
              "checksum_mismatch",
              "The assembled file's CRC32C is "
                  + stored.get()
                  + ", not the integrity_checksum sent ("
                  + sent
                  + "); the upload has failed and its object is deleted: upload the file again"));
    }
    return stored;
  }

  /**
   * The pre-complete hook's verdict on the assembled object (allowed when no hook is set).
   *
   * @throws ApiException {@code 503 hook_unavailable} when the hook cannot be asked and hooks fail
   *     closed
   */
  private BlockingHooks.Verdict askPreComplete(Upload upload, String apiKeyId) {
    return hooks.preComplete(
        upload.organizationId,
        apiKeyId,
        hookUpload(upload),
        ttl -> storage.presignDownload(upload.storageKey, ttl, "attachment"));
  }

  /**
   * The janitor's end of a complete interrupted after the store assembled the object: the same
   * screen as a client's complete, then the registration. A refusal deletes the object and fails
   * the upload ({@code upload.failed}). A hook that cannot be asked (hooks failing closed) leaves
   * the upload {@code completing} with its object, for a later round: no client is waiting, and an
   * object nobody screened is never registered.
   *
   * @return whether the upload left {@code completing}
   */
  boolean settleAssembled(Upload upload) {
    BlockingHooks.Verdict verdict;
    try {
      verdict = askPreComplete(upload, null);
    } catch (ApiException unavailable) {
      LOG.warnf(
          "upload %s: the pre-complete hook could not be asked, repair retried later", upload.id);
      return false;
    }
    if (!verdict.allowed()) {
      LOG.infof("upload %s: refused by the pre-complete hook at repair, object deleted", upload.id);
      files.discardObject(upload.storageKey);
      fail(upload, BlockingHooks.rejected(422, verdict.reason()));
      return true;
    }
    registerAssembled(upload, Optional.empty(), true);
    return true;
  }

  /**
   * Commits {@code completing → completed} with the file, once the store holds the object; removes
   * the object of the instance it replaced.
   *
   * @param checkpointed whether the upload may have checkpointed parts to delete
   */
  private StoredFile registerAssembled(
      Upload upload, Optional<String> crc32c, boolean checkpointed) {
    FileService.Registration registration =
        QuarkusTransaction.requiringNew().call(() -> finishComplete(upload, crc32c, checkpointed));
    if (registration == null) {
      // Another drive of the same complete (another replica's) registered it first.
      return QuarkusTransaction.requiringNew().call(() -> fileOf(upload));
    }
    registration.replacedStorageKey().ifPresent(files::discardObject);
    return registration.file();
  }

  private CompletePlan beginComplete(
      String organizationId,
      String uploadId,
      CompleteRequest request,
      AtomicReference<CompletionWork.Claim> claimed) {
    Upload upload = require(organizationId, uploadId, LockModeType.PESSIMISTIC_WRITE);
    switch (upload.status) {
      case COMPLETED -> {
        return new CompletePlan(upload, List.of(), false, fileOf(upload), null, false, null, false);
      }
      case COMPLETING -> {
        return joinOrRedrive(upload, request, claimed);
      }
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
      throw ApiException.aboutParts(
          400,
          "missing_parts",
          missing.size() + " part(s) have no token: checkpoint them or send them in parts",
          missing);
    }
    states.transition(upload, UploadStatus.COMPLETING);
    upload.completingUntil = work.leaseFromNow();
    List<PartToken> ordered = new ArrayList<>(tokens.size());
    tokens.forEach((number, token) -> ordered.add(new PartToken(number, token)));
    // Claimed under the row lock: a complete repeated on this replica finds it and joins.
    claimed.set(work.claim(upload.id));
    // No checkpoint can arrive while the upload is completing: none now means none to delete later.
    return new CompletePlan(
        upload,
        ordered,
        !checkpointed.isEmpty(),
        null,
        request.integrityChecksum(),
        false,
        BlockingHooks.callerKeyId(),
        false);
  }

  /**
   * A complete of an upload already {@code completing}: joins the work running on this replica, or
   * drives it again when none runs here (its request timed out on another replica, or a replica
   * died in it). Never {@code 409}: a client repeating its complete must be told to wait or get the
   * file.
   */
  private CompletePlan joinOrRedrive(
      Upload upload, CompleteRequest request, AtomicReference<CompletionWork.Claim> claimed) {
    CompletionWork.Claim claim = work.claim(upload.id);
    if (!claim.owner()) {
      claimed.set(claim);
      return new CompletePlan(upload, List.of(), false, null, null, false, null, false);
    }
    if (heldElsewhere(upload)) {
      // Another replica drives it and renews its lease: asking the store again would assemble
      // the object twice.
      work.release(upload.id, claim.outcome());
      return CompletePlan.heldElsewhere(upload);
    }
    claimed.set(claim);
    upload.completingUntil = work.leaseFromNow();
    requireChecksum(upload, request.integrityChecksum());
    List<PartTokenEntry> given = request.partsOrEmpty();
    requireTokens("parts", given, upload.numParts);
    TreeMap<Integer, String> tokens = new TreeMap<>(parts.checkpointed(upload.id));
    tokens.putAll(latestTokens(given));
    List<PartToken> known = new ArrayList<>(tokens.size());
    tokens.forEach((number, token) -> known.add(new PartToken(number, token)));
    return new CompletePlan(
        upload,
        known,
        true,
        null,
        request.integrityChecksum(),
        true,
        BlockingHooks.callerKeyId(),
        false);
  }

  private FileService.Registration finishComplete(
      Upload upload, Optional<String> crc32c, boolean checkpointed) {
    // One statement moves completing → completed under the row's lock, instead of loading the
    // entity (locked) to change two columns; the version moves as Hibernate would move it.
    Instant now = states.now();
    int changed =
        em.createNativeQuery(
                "update upload set status = 'completed', updated_at = ?1, completed_at = ?1,"
                    + " version = version + 1 where id = ?2 and status = 'completing'")
            .setParameter(1, now)
            .setParameter(2, upload.id)
            .executeUpdate();
    if (changed == 0) {
      String status =
          (String)
              em.createNativeQuery("select status from upload where id = ?1")
                  .setParameter(1, upload.id)
                  .getSingleResult();
      if (UploadStatus.COMPLETED.wireName().equals(status)) {
        return null;
      }
      throw ApiException.conflict("upload_not_in_progress", "The upload is " + status);
    }
    states.transitioned(upload, UploadStatus.COMPLETED, now);
    upload.completedAt = now;
    upload.version++;
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
    leaveCompleting(upload, UploadStatus.IN_PROGRESS, null);
  }

  /**
   * {@code completing → failed}, keeping why: a client whose complete was answered {@code 202}
   * learns it from its next complete ({@code 409} naming it) or from the upload's view.
   *
   * @return the problem, for the caller to throw
   */
  ApiException fail(Upload upload, ApiException why) {
    leaveCompleting(upload, UploadStatus.FAILED, why);
    return why;
  }

  /** Moves an upload out of {@code completing}, unless another request already did. */
  private void leaveCompleting(Upload upload, UploadStatus to, ApiException why) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Upload current = Upload.findById(upload.id, LockModeType.PESSIMISTIC_WRITE);
              if (current.status == UploadStatus.COMPLETING) {
                if (why != null) {
                  current.failureCode = why.code();
                  current.failureDetail = why.getMessage();
                }
                states.transition(current, to);
              }
            });
  }

  private void requireChecksum(Upload upload, String checksum) {
    if (checksum == null) {
      return;
    }
    if (IntegrityAlgorithm.NONE.wireName().equals(upload.integrityAlgorithm)) {
      throw ApiException.of(
          400,
          "checksum_not_supported",
          "This upload's integrity_algorithm is none; send no integrity_checksum");
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
}
