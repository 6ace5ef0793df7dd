package dev.filesapi.upload;

import dev.filesapi.events.BlockingHooks;
import dev.filesapi.file.FileService;
import dev.filesapi.file.FileStatus;
import dev.filesapi.file.RegisteredFile;
import dev.filesapi.file.StoredFile;
import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StorageUnavailableException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The end of a complete once the store holds the object, shared by a client's complete and the
 * janitor's repair: the CRC32C check, the pre-complete hook's screen, then {@code completing →
 * completed} with the registered file, in one transaction. A refusal deletes the object and fails
 * the upload (the store's multipart upload is gone, so a complete could not be repeated).
 */
@ApplicationScoped
public class CompletionRegistration {
  private static final Logger LOG = Logger.getLogger(CompletionRegistration.class);

  private final StorageBackend storage;
  private final StorageTimer timer;
  private final FileService files;
  private final BlockingHooks hooks;
  private final UploadLifecycle lifecycle;
  private final UploadParts parts;

  CompletionRegistration(
      StorageBackend storage,
      StorageTimer timer,
      FileService files,
      BlockingHooks hooks,
      UploadLifecycle lifecycle,
      UploadParts parts) {
    this.storage = storage;
    this.timer = timer;
    this.files = files;
    this.hooks = hooks;
    this.lifecycle = lifecycle;
    this.parts = parts;
  }

  /**
   * A client's complete: checksum, screen, registration.
   *
   * @param object the object's stat when already read, else empty
   * @param checksum the client's {@code integrity_checksum}, or null
   * @param apiKeyId the key the client completed with, for the hook
   * @param checkpointed whether the upload may have checkpointed parts to delete
   */
  RegisteredFile register(
      Upload upload,
      Optional<ObjectStat> object,
      String checksum,
      String apiKeyId,
      boolean checkpointed) {
    Optional<String> crc32c = verifyCrc32c(upload, checksum, object);
    screen(upload, apiKeyId);
    return RegisteredFile.of(registerAssembled(upload, crc32c, checkpointed));
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
      lifecycle.fail(upload, BlockingHooks.rejected(422, verdict.reason()));
      return true;
    }
    registerAssembled(upload, Optional.empty(), true);
    return true;
  }

  /**
   * For a {@code crc32c} upload, the object's CRC32C as the store keeps it, compared with the one
   * the client sent. A mismatch deletes the object and fails the upload: no file is registered
   * (rather than one marked Corrupt), so the name keeps its previous instance, if any.
   */
  private Optional<String> verifyCrc32c(Upload upload, String sent, Optional<ObjectStat> known) {
    if (!IntegrityAlgorithm.CRC32C.wireName().equals(upload.integrityAlgorithm)) {
      return Optional.empty();
    }
    Optional<String> stored =
        (known.isPresent() ? known : statOrReopen(upload)).flatMap(ObjectStat::crc32c);
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
      throw lifecycle.fail(upload, UploadProblems.checksumMismatch(stored.get(), sent));
    }
    return stored;
  }

  private Optional<ObjectStat> statOrReopen(Upload upload) {
    try {
      return timer.time(upload.backend, "stat", () -> storage.stat(upload.storageKey));
    } catch (StorageUnavailableException | StorageRejectedException e) {
      // The object is assembled; a retry finds the store upload gone and takes the stat path.
      lifecycle.reopen(upload);
      throw e;
    }
  }

  /**
   * The pre-complete hook sees the assembled object before it is registered: a refusal, or a hook
   * that cannot be asked, deletes the object and fails the upload.
   */
  private void screen(Upload upload, String apiKeyId) {
    BlockingHooks.Verdict verdict;
    try {
      verdict = askPreComplete(upload, apiKeyId);
    } catch (ApiException unavailable) {
      files.discardObject(upload.storageKey);
      throw lifecycle.fail(upload, unavailable);
    }
    if (!verdict.allowed()) {
      files.discardObject(upload.storageKey);
      throw lifecycle.fail(upload, BlockingHooks.rejected(422, verdict.reason()));
    }
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
        new BlockingHooks.HookUpload(
            upload.id, upload.fileUid, upload.filename, upload.fileType, upload.numBytes),
        ttl -> storage.presignDownload(upload.storageKey, ttl, "attachment"));
  }

  /**
   * Commits {@code completing → completed} with the file, once the store holds the object; removes
   * the object of the instance it replaced.
   */
  private StoredFile registerAssembled(
      Upload upload, Optional<String> crc32c, boolean checkpointed) {
    Optional<FileService.Registration> registration =
        QuarkusTransaction.requiringNew()
            .call(() -> completeWithFile(upload, crc32c, checkpointed));
    if (registration.isEmpty()) {
      // Another drive of the same complete (another replica's) registered it first.
      return QuarkusTransaction.requiringNew().call(() -> fileOf(upload));
    }
    registration.get().replacedStorageKey().ifPresent(files::discardObject);
    return registration.get().file();
  }

  private Optional<FileService.Registration> completeWithFile(
      Upload upload, Optional<String> crc32c, boolean checkpointed) {
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
    file.createdAt = lifecycle.now();
    if (!lifecycle.complete(upload, file)) {
      return Optional.empty();
    }
    if (checkpointed) {
      parts.deleteAll(upload.id);
    }
    return Optional.of(files.register(file));
  }

  /** The file a completed upload registered; a newer instance of the name may have replaced it. */
  static StoredFile fileOf(Upload upload) {
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
}
