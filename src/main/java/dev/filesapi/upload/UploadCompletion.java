package dev.filesapi.upload;

import static dev.filesapi.upload.UploadStates.completing;
import static dev.filesapi.upload.UploadStates.latestTokens;
import static dev.filesapi.upload.UploadStates.notInProgress;
import static dev.filesapi.upload.UploadStates.require;
import static dev.filesapi.upload.UploadStates.requireTokens;

import dev.filesapi.common.ApiException;
import dev.filesapi.events.BlockingHooks;
import dev.filesapi.file.FileService;
import dev.filesapi.file.FileStatus;
import dev.filesapi.file.RegisteredFile;
import dev.filesapi.file.StoredFile;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StorageUnavailableException;
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
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * The end of an upload, in two phases: mark it {@code completing} and commit, have the store
 * assemble the object, then verify its CRC32C, let the pre-complete hook screen it, and commit
 * {@code completed} with the registered file. Owns every way out of {@code completing} (back to
 * {@code in_progress}, {@code failed}), which the janitor's repair uses too.
 */
@ApplicationScoped
public class UploadCompletion {
  private static final Logger LOG = Logger.getLogger(UploadCompletion.class);
  private static final int CRC32C_BASE64_CHARS = 8;

  private final StorageBackend storage;
  private final UploadParts parts;
  private final FileService files;
  private final UploadEvents events;
  private final UploadStates states;
  private final StorageTimer timer;
  private final BlockingHooks hooks;
  private final EntityManager em;

  UploadCompletion(
      StorageBackend storage,
      UploadParts parts,
      FileService files,
      UploadEvents events,
      UploadStates states,
      StorageTimer timer,
      BlockingHooks hooks,
      EntityManager em) {
    this.storage = storage;
    this.parts = parts;
    this.files = files;
    this.events = events;
    this.states = states;
    this.timer = timer;
    this.hooks = hooks;
    this.em = em;
  }

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

  private static BlockingHooks.HookUpload hookUpload(Upload upload) {
    return new BlockingHooks.HookUpload(
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
      verdict = askPreComplete(upload);
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
   * The pre-complete hook's verdict on the assembled object (allowed when no hook is set).
   *
   * @throws ApiException {@code 503 hook_unavailable} when the hook cannot be asked and hooks fail
   *     closed
   */
  private BlockingHooks.Verdict askPreComplete(Upload upload) {
    return hooks.preComplete(
        upload.organizationId,
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
      verdict = askPreComplete(upload);
    } catch (ApiException unavailable) {
      LOG.warnf(
          "upload %s: the pre-complete hook could not be asked, repair retried later", upload.id);
      return false;
    }
    if (!verdict.allowed()) {
      LOG.infof("upload %s: refused by the pre-complete hook at repair, object deleted", upload.id);
      files.discardObject(upload.storageKey);
      fail(upload);
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
    states.transition(upload, UploadStatus.COMPLETING);
    List<PartToken> ordered = new ArrayList<>(tokens.size());
    tokens.forEach((number, token) -> ordered.add(new PartToken(number, token)));
    // No checkpoint can arrive while the upload is completing: none now means none to delete later.
    return new CompletePlan(
        upload, ordered, !checkpointed.isEmpty(), null, request.integrityChecksum());
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
                states.transition(current, to);
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
}
