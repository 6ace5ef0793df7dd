package dev.filesapi.upload;

import static dev.filesapi.upload.UploadChecks.latestTokens;
import static dev.filesapi.upload.UploadChecks.require;
import static dev.filesapi.upload.UploadChecks.requireInProgress;
import static dev.filesapi.upload.UploadChecks.requirePartNumbers;
import static dev.filesapi.upload.UploadChecks.requireTokens;
import static dev.filesapi.upload.UploadProblems.completing;
import static dev.filesapi.upload.UploadProblems.notInProgress;

import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StoredPart;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * An open upload between its start and its end, and the read side: fresh part URLs, checkpoints of
 * finished parts, abort, one upload and the organization's list. Initiation and completion are
 * {@link UploadInitiation} and {@link UploadCompletion}. Every method sees only the caller's
 * organization's uploads.
 */
@ApplicationScoped
public class UploadService {
  private static final Logger LOG = Logger.getLogger(UploadService.class);

  private final StorageBackend storage;
  private final UploadParts parts;
  private final UploadLifecycle lifecycle;
  private final PartDescriptors descriptors;
  private final StorageTimer timer;
  private final UploadRows rows;

  UploadService(
      StorageBackend storage,
      UploadParts parts,
      UploadLifecycle lifecycle,
      PartDescriptors descriptors,
      StorageTimer timer,
      UploadRows rows) {
    this.storage = storage;
    this.parts = parts;
    this.lifecycle = lifecycle;
    this.descriptors = descriptors;
    this.timer = timer;
    this.rows = rows;
  }

  // ---- part URLs and checkpoints ----

  public PartUrlsResponse partUrls(String organizationId, String uploadId, List<Integer> numbers) {
    Upload upload = rows.require(organizationId, uploadId);
    UploadChecks.requirePlanned(upload);
    requirePartNumbers("part_numbers", numbers, upload.numParts);
    requireInProgress(upload);
    return new PartUrlsResponse(descriptors.describe(upload, numbers));
  }

  public CheckpointResponse checkpoint(
      String organizationId, String uploadId, List<PartTokenEntry> entries) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              // A shared row lock: checkpoints run side by side, a complete waits for them.
              Upload upload = require(organizationId, uploadId, LockModeType.PESSIMISTIC_READ);
              UploadChecks.requirePlanned(upload);
              requireTokens("parts", entries, upload.numParts, storage.capabilities().partTokens());
              requireInProgress(upload);
              // A part named twice (with the same token) is stored once: count what is stored.
              Map<Integer, String> tokens = latestTokens(entries);
              parts.upsert(upload.id, tokens, lifecycle.now());
              return new CheckpointResponse(tokens.size());
            });
  }

  // ---- unplanned uploads: the client chooses the parts ----

  /**
   * Presigned URLs for zero-based part numbers of an in-progress upload, within the store's part
   * count; the part sizes are the client's. {@code fileUid} must be the upload's (else 404).
   */
  public Map<Integer, PresignedUrl> clientPartUrls(
      String organizationId, String uploadId, String fileUid, List<Integer> numbers) {
    Upload upload = requireWithFile(organizationId, uploadId, fileUid);
    requirePartNumbers("part_numbers", numbers, storage.capabilities().maxParts());
    requireInProgress(upload);
    return descriptors.urls(upload, numbers);
  }

  /**
   * The parts the store holds for an in-progress or completing upload (zero-based numbers), or, for
   * one the store has assembled, how many it was assembled from.
   */
  public PartListing storedParts(String organizationId, String uploadId, String fileUid) {
    Upload upload = requireWithFile(organizationId, uploadId, fileUid);
    if (upload.status == UploadStatus.COMPLETED) {
      return PartListing.assembled(upload);
    }
    if (upload.status != UploadStatus.COMPLETING) {
      requireInProgress(upload);
    }
    try {
      List<StoredPart> parts =
          timer.time(
              upload.backend,
              "list_parts",
              () -> storage.listParts(upload.storageKey, upload.backendUploadId));
      // Some stores (S3Proxy) list an upload they have assembled as one without parts, where S3
      // answers NoSuchUpload: the object at the upload's key tells.
      if (parts.isEmpty() && upload.status == UploadStatus.COMPLETING) {
        Optional<ObjectStat> object =
            timer.time(upload.backend, "stat", () -> storage.stat(upload.storageKey));
        if (object.isPresent() && StoreAssembly.assembled(upload, object.get())) {
          return PartListing.assembled(upload);
        }
      }
      return PartListing.held(parts);
    } catch (NoSuchUploadException e) {
      if (upload.status == UploadStatus.COMPLETING) {
        return PartListing.assembled(upload);
      }
      throw e;
    }
  }

  /** The organization's upload whose file will be {@code fileUid}, or 404. */
  private Upload requireWithFile(String organizationId, String uploadId, String fileUid) {
    Upload upload = rows.require(organizationId, uploadId);
    if (!upload.fileUid.equals(fileUid)) {
      throw ApiException.notFound("Upload", uploadId);
    }
    return upload;
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
                      lifecycle.move(found, UploadStatus.ABORTED);
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
    // A complete that timed out and was reopened may have left the assembled object (issue 24).
    timer.time(upload.backend, "delete", () -> storage.delete(upload.storageKey));
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

  /**
   * Deletes the object at the upload's key, for an upload settled without a file: a complete that
   * timed out may have assembled it after all. A failure is logged, not thrown.
   */
  void deleteObjectQuietly(Upload upload, String settled) {
    try {
      storage.delete(upload.storageKey);
    } catch (RuntimeException e) {
      LOG.warnf(
          "upload %s %s, but deleting its object failed: %s", upload.id, settled, e.getMessage());
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
        upload.numBytes == 0 ? null : upload.numBytes,
        upload.numParts == 0 ? null : upload.numParts,
        storage.capabilities().reportsPartSize() && upload.planned() ? upload.partSize : null,
        upload.integrityAlgorithm,
        upload.status.wireName(),
        checkpointed,
        upload.createdAt,
        upload.expiresAt,
        upload.status == UploadStatus.COMPLETED ? upload.filename : null,
        UploadView.Failure.of(upload));
  }
}
