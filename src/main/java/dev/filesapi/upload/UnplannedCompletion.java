package dev.filesapi.upload;

import static dev.filesapi.upload.UploadChecks.require;

import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.tenancy.Quotas;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The complete of an unplanned upload (see {@link Upload#planned()}): learns the size from the
 * parts the store holds, enforces {@code max_file_bytes} (an upload over it is aborted, so no
 * object is ever assembled), records the size and hands over to {@link UploadCompletion}.
 */
@ApplicationScoped
public class UnplannedCompletion {
  private final StorageBackend storage;
  private final StorageTimer timer;
  private final Quotas quotas;
  private final UploadService uploads;
  private final UploadCompletion completion;
  private final EntityManager em;

  UnplannedCompletion(
      StorageBackend storage,
      StorageTimer timer,
      Quotas quotas,
      UploadService uploads,
      UploadCompletion completion,
      EntityManager em) {
    this.storage = storage;
    this.timer = timer;
    this.quotas = quotas;
    this.uploads = uploads;
    this.completion = completion;
    this.em = em;
  }

  /** The upload being completed and the organization's limits, read in one transaction. */
  private record Read(Upload upload, Quotas.Limits limits) {}

  /**
   * @param tokens the client's parts: zero-based number to ETag (quotes optional); they must be the
   *     parts 0 … n-1
   */
  public UploadCompletion.CompleteAnswer complete(
      String organizationId, String uploadId, TreeMap<Integer, String> tokens) {
    Read read =
        QuarkusTransaction.requiringNew()
            .call(() -> new Read(require(organizationId, uploadId), quotas.of(organizationId)));
    Upload upload = read.upload();
    if (upload.status != UploadStatus.IN_PROGRESS || upload.planned()) {
      // Completed (the same file again), completing, or over: the ordinary complete answers.
      return completion.complete(organizationId, uploadId, request(tokens));
    }
    requireContiguous(tokens);
    List<StoredPart> stored;
    try {
      stored =
          timer.time(
              upload.backend,
              "list_parts",
              () -> storage.listParts(upload.storageKey, upload.backendUploadId));
    } catch (NoSuchUploadException e) {
      if (upload.numParts > 0) {
        // A complete sized the upload and reached the store before a crash: it converges on the
        // assembled object.
        return completion.complete(organizationId, uploadId, request(tokens));
      }
      throw e;
    }
    long numBytes = sizeOf(tokens, stored);
    if (numBytes > read.limits().maxFileBytes() || numBytes > PartPlan.MAX_FILE_BYTES) {
      uploads.abort(organizationId, uploadId);
      throw ApiException.of(
          413,
          "file_too_large",
          "The parts hold "
              + numBytes
              + " bytes; this organization may store files of at most "
              + Math.min(read.limits().maxFileBytes(), PartPlan.MAX_FILE_BYTES)
              + " bytes. The upload is aborted and its parts deleted");
    }
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                em.createNativeQuery(
                        "update upload set num_bytes = ?1, num_parts = ?2, version = version + 1"
                            + " where id = ?3 and status = 'in_progress' and part_size is null")
                    .setParameter(1, numBytes)
                    .setParameter(2, tokens.size())
                    .setParameter(3, upload.id)
                    .executeUpdate());
    return completion.complete(organizationId, uploadId, request(tokens));
  }

  private static CompleteRequest request(TreeMap<Integer, String> tokens) {
    List<PartTokenEntry> entries = new ArrayList<>(tokens.size());
    tokens.forEach(
        (number, token) -> entries.add(new PartTokenEntry(number, PartToken.quoted(token))));
    return new CompleteRequest(entries, null);
  }

  private static void requireContiguous(TreeMap<Integer, String> tokens) {
    if (tokens.isEmpty()) {
      throw ApiException.validation("parts", "must name at least one part");
    }
    if (tokens.firstKey() != 0 || tokens.lastKey() != tokens.size() - 1) {
      throw ApiException.validation(
          "parts", "must be the parts 0 to n-1 without gaps (" + tokens.size() + " parts given)");
    }
  }

  /**
   * The file's size: the sum of the store's sizes of the given parts. A part the store does not
   * hold with that ETag is {@code 400 invalid_part}, as in the ordinary complete.
   */
  private static long sizeOf(TreeMap<Integer, String> tokens, List<StoredPart> stored) {
    Map<Integer, StoredPart> byNumber = new HashMap<>();
    for (StoredPart part : stored) {
      byNumber.put(part.partNumber(), part);
    }
    long total = 0;
    List<Integer> invalid = new ArrayList<>();
    for (Map.Entry<Integer, String> token : tokens.entrySet()) {
      StoredPart part = byNumber.get(token.getKey());
      if (part == null
          || !PartToken.unquoted(part.token()).equals(PartToken.unquoted(token.getValue()))) {
        invalid.add(token.getKey());
      } else {
        total += part.size();
      }
    }
    if (!invalid.isEmpty()) {
      throw UploadProblems.invalidParts(invalid);
    }
    return total;
  }
}
