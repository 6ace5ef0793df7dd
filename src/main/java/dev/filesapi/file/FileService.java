package dev.filesapi.file;

import dev.filesapi.database.AdvisoryLocks;
import dev.filesapi.database.Ids;
import dev.filesapi.events.BlockingHooks;
import dev.filesapi.events.EventData;
import dev.filesapi.events.EventType;
import dev.filesapi.events.Events;
import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageKeys;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.tenancy.Quotas;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Registered files of an organization. Storage calls run outside database transactions; the
 * database is changed only after the store has done its part.
 */
@ApplicationScoped
public class FileService {
  private static final Logger LOG = Logger.getLogger(FileService.class);

  /** Largest file accepted by the simple form upload: 512 MB. */
  public static final long MAX_SIMPLE_UPLOAD_BYTES = 512_000_000L;

  /**
   * Largest body of the simple upload's form: its file and up to 64 KiB of form around it (the
   * boundaries, the part's headers, a few small fields). A longer declared body is refused before
   * it is read.
   */
  public static final long MAX_SIMPLE_FORM_BYTES = MAX_SIMPLE_UPLOAD_BYTES + 64 * 1024;

  /** Parts of a streamed simple upload being sent to the store at once, each its own buffer. */
  static final int STREAMED_PARTS_IN_FLIGHT = 2;

  private final StorageBackend storage;
  private final StorageKeys keys;
  private final DownloadConfig downloads;
  private final Quotas quotas;
  private final EntityManager em;
  private final Clock clock;
  private final Events events;
  private final BlockingHooks hooks;
  private final int streamedPartSize;

  /** Sends the parts of streamed simple uploads; at most a few per upload at a time. */
  private final ExecutorService partUploads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "simple-upload-part");
            thread.setDaemon(true);
            return thread;
          });

  FileService(
      StorageBackend storage,
      StorageKeys keys,
      DownloadConfig downloads,
      Quotas quotas,
      EntityManager em,
      Clock clock,
      Events events,
      BlockingHooks hooks,
      @ConfigProperty(name = "files.upload.part-size") MemorySize partSize) {
    this.streamedPartSize =
        (int)
            Math.min(
                Math.max(partSize.asLongValue(), storage.capabilities().minPartSize()),
                64L * 1024 * 1024);
    this.events = events;
    this.hooks = hooks;
    this.quotas = quotas;
    this.storage = storage;
    this.keys = keys;
    this.downloads = downloads;
    this.em = em;
    this.clock = clock;
  }

  /** What a registration did: the new file, and the storage key of the instance it replaced. */
  public record Registration(StoredFile file, Optional<String> replacedStorageKey) {}

  /**
   * Records a stored object as the current file of its name, replacing any earlier instance. Runs
   * inside the caller's transaction; the caller removes the replaced object after commit.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Registration register(StoredFile file) {
    AdvisoryLocks.lock(em, "file", file.organizationId, file.fileId);
    Optional<StoredFile> previous = StoredFile.findByName(file.organizationId, file.fileId);
    previous.ifPresent(
        old -> {
          old.delete();
          em.flush();
        });
    file.persist();
    previous.ifPresent(
        old -> events.record(file.organizationId, EventType.FILE_REPLACED, replaced(file, old)));
    return new Registration(file, previous.map(old -> old.storageKey));
  }

  /** Removes an object no record points at any more; a failure leaves an orphan, logged. */
  public void discardObject(String storageKey) {
    try {
      storage.delete(storageKey);
    } catch (StorageUnavailableException | StorageRejectedException e) {
      LOG.warnf(
          "could not delete replaced object %s; it is orphaned: %s", storageKey, e.getMessage());
    }
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public FileRecord get(String organizationId, String fileId) {
    return FileRecord.of(require(organizationId, fileId));
  }

  /**
   * The organization's totals: the sum of its slot rows in {@code file_totals}, which database
   * triggers keep in the transaction of every insert, update and delete of {@code stored_file}
   * (migration V3). At most 16 rows, however many files.
   */
  @Transactional(Transactional.TxType.SUPPORTS)
  public FilesInfo info(String organizationId) {
    Object[] row =
        (Object[])
            em.createNativeQuery(
                    "select coalesce(sum(num_files), 0)::bigint, coalesce(sum(num_bytes), 0)::bigint,"
                        + " (extract(epoch from max(last_updated)) * 1000000)::bigint"
                        + " from file_totals where organization_id = ?1")
                .setParameter(1, organizationId)
                .getSingleResult();
    Number micros = (Number) row[2];
    // Plain notation with microseconds: 1795579596.740763, never 1.79E9.
    BigDecimal lastUpdated =
        micros == null ? BigDecimal.ZERO : BigDecimal.valueOf(micros.longValue(), 6);
    return new FilesInfo(
        ((Number) row[0]).longValue(), ((Number) row[1]).longValue(), 0, lastUpdated);
  }

  /** Where a download goes: a presigned URL, or the bytes themselves. */
  public sealed interface Download {
    record Redirect(URI location) implements Download {}

    record Stream(InputStream content, String fileType, long numBytes, String disposition)
        implements Download {}
  }

  public Download download(String organizationId, String fileId) {
    StoredFile file = QuarkusTransaction.requiringNew().call(() -> require(organizationId, fileId));
    if (!FileStatus.REGISTERED.name().equals(file.status)) {
      throw ApiException.of(400, "file_not_registered", "File " + fileId + " is not registered");
    }
    String disposition = ContentDisposition.attachment(file.fileId);
    return switch (downloads.mode()) {
      case REDIRECT ->
          new Download.Redirect(
              storage.presignDownload(file.storageKey, downloads.urlTtl(), disposition));
      case STREAM ->
          new Download.Stream(
              storage.open(file.storageKey), file.fileType, file.numBytes, disposition);
    };
  }

  /** Deletes the object first, so a store failure leaves the file fully intact. */
  public void delete(String organizationId, String fileId) {
    StoredFile file = QuarkusTransaction.requiringNew().call(() -> require(organizationId, fileId));
    storage.delete(file.storageKey);
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              if (StoredFile.delete("fileUid", file.fileUid) > 0) {
                events.record(
                    organizationId,
                    EventType.FILE_DELETED,
                    new EventData.FileEvent(FileEventData.of(file), null));
              }
            });
  }

  /** Writes a file's bytes, as its request brings them, into the stream it is given. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Stores a small file in one request, streamed from the request as it arrives: object first, then
   * the record. Memory is bounded by a few part buffers whatever the size (see {@link
   * StreamedObject}); nothing is written to disk. Past 512 MB or the organization's quota the
   * request is refused at once and whatever reached the store is aborted.
   *
   * <p>The operators' hooks see it as they see a multipart upload: pre-initiate before the store is
   * touched (a refusal is 403), with the exact size when the file fits one part, otherwise with
   * {@code estimatedSize} (what the request declares); pre-complete with a presigned GET of the
   * stored object before it is registered (a refusal, or a hook that cannot be asked, deletes the
   * object: 422, or 503 unless the hooks fail open).
   *
   * @param estimatedSize the file's size as far as the request tells before it is read; -1 if not
   */
  public SimpleUploadResponse uploadStreamed(
      String organizationId, String filename, String fileType, long estimatedSize, Content content)
      throws IOException {
    Quotas.Limits limits = QuarkusTransaction.requiringNew().call(() -> quotas.of(organizationId));
    StoredFile file = new StoredFile();
    file.fileUid = Ids.file();
    file.organizationId = organizationId;
    file.fileId = filename;
    file.fileType = fileType;
    file.status = FileStatus.REGISTERED.name();
    file.storageKey = keys.forFile(organizationId, file.fileUid);
    file.backend = storage.name();
    long largest = Math.min(MAX_SIMPLE_UPLOAD_BYTES, limits.maxFileBytes());
    StreamedObject object =
        new StreamedObject(
            storage,
            file.storageKey,
            fileType,
            streamedPartSize,
            STREAMED_PARTS_IN_FLIGHT,
            partUploads,
            numBytes -> {
              if (numBytes > MAX_SIMPLE_UPLOAD_BYTES) {
                throw fileTooLargeForSimpleUpload();
              }
              Quotas.requireFileSize(limits, numBytes);
            },
            (numBytes, exact) ->
                hooks
                    .preInitiate(
                        organizationId,
                        new BlockingHooks.HookUpload(
                            null, null, filename, fileType, Math.min(numBytes, largest)))
                    .requireAllowed(403),
            estimatedSize < 0 ? largest : estimatedSize);
    try {
      content.writeTo(object);
      object.finish();
    } catch (IOException | RuntimeException e) {
      object.abort();
      throw e;
    }
    file.numBytes = object.size();
    file.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    screen(file);
    Registration registration;
    try {
      registration =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    events.record(
                        organizationId,
                        EventType.UPLOAD_COMPLETED,
                        new EventData.UploadEvent(null, FileEventData.of(file)));
                    return register(file);
                  });
    } catch (RuntimeException e) {
      discardObject(file.storageKey);
      throw e;
    }
    registration.replacedStorageKey().ifPresent(this::discardObject);
    return new SimpleUploadResponse(true, file.fileId, file.fileUid);
  }

  @PreDestroy
  void stopPartUploads() {
    partUploads.shutdownNow();
  }

  /** The pre-complete hook's look at a stored object before it is registered. */
  private void screen(StoredFile file) {
    BlockingHooks.Verdict verdict;
    try {
      verdict =
          hooks.preComplete(
              file.organizationId,
              new BlockingHooks.HookUpload(
                  null, file.fileUid, file.fileId, file.fileType, file.numBytes),
              ttl -> storage.presignDownload(file.storageKey, ttl, "attachment"));
    } catch (ApiException unavailable) {
      discardObject(file.storageKey);
      throw unavailable;
    }
    if (!verdict.allowed()) {
      discardObject(file.storageKey);
      throw BlockingHooks.rejected(422, verdict.reason());
    }
  }

  private static EventData.FileEvent replaced(StoredFile file, StoredFile old) {
    return new EventData.FileEvent(FileEventData.of(file), FileEventData.of(old));
  }

  /** A file over the simple upload's limit: one problem, the code the source API's clients read. */
  public static ApiException fileTooLargeForSimpleUpload() {
    return ApiException.of(
        413,
        "invalid_file_size",
        "The simple upload takes files up to "
            + MAX_SIMPLE_UPLOAD_BYTES
            + " bytes; use initiate for larger ones");
  }

  private static StoredFile require(String organizationId, String fileId) {
    return StoredFile.findByName(organizationId, fileId)
        .orElseThrow(() -> ApiException.notFound("File", fileId));
  }
}
