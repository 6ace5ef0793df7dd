package dev.filesapi.upload;

import static dev.filesapi.upload.UploadChecks.latestTokens;
import static dev.filesapi.upload.UploadChecks.require;
import static dev.filesapi.upload.UploadChecks.requireTokens;

import dev.filesapi.events.BlockingHooks;
import dev.filesapi.file.RegisteredFile;
import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The first phase of a complete, in one transaction with the upload's row locked: what the request
 * is to do ({@link Start}), the upload marked {@code completing} under this replica's lease when it
 * starts the work, and this replica's claim on the work ({@link CompletionWork}) taken under the
 * lock, so a complete repeated here joins it.
 */
@ApplicationScoped
public class CompletionStart {
  private static final int CRC32C_BASE64_CHARS = 8;

  private final StorageBackend storage;
  private final UploadLifecycle lifecycle;
  private final UploadParts parts;
  private final CompletionWork work;
  private final CompletionLease lease;

  CompletionStart(
      UploadLifecycle lifecycle,
      UploadParts parts,
      CompletionWork work,
      CompletionLease lease,
      StorageBackend storage) {
    this.storage = storage;
    this.lifecycle = lifecycle;
    this.parts = parts;
    this.work = work;
    this.lease = lease;
  }

  /** What a complete does next. */
  enum Next {
    /** The upload is completed: answer its file. */
    ANSWER,
    /** This request owns the work: start it, then wait for it. */
    DRIVE,
    /** The work runs on this replica already: wait for it. */
    JOIN,
    /** Another replica drives it under a lease that holds: poll the upload. */
    AWAIT_ELSEWHERE
  }

  /**
   * What the first phase decided.
   *
   * @param file the registered file, for {@link Next#ANSWER}
   * @param outcome the work's outcome, for {@link Next#DRIVE} and {@link Next#JOIN}
   * @param plan what the work is to do, for {@link Next#DRIVE}
   */
  record Start(
      Next next,
      Upload upload,
      RegisteredFile file,
      CompletableFuture<RegisteredFile> outcome,
      Plan plan) {}

  /**
   * The work of one complete.
   *
   * @param tokens every part's token; on a re-drive, those known (checkpointed or sent), the rest
   *     to be asked of the store
   * @param checkpointed whether the upload may have checkpointed parts to delete
   * @param redrive whether the upload was already {@code completing} with no work running here
   */
  record Plan(
      Upload upload,
      List<PartToken> tokens,
      boolean checkpointed,
      String checksum,
      boolean redrive,
      String apiKeyId) {}

  /**
   * Runs the first phase. A claim this request took and cannot start (the commit failed) is given
   * up with the failure, so a request joining it learns it.
   */
  Start begin(String organizationId, String uploadId, CompleteRequest request) {
    QuarkusTransaction.begin();
    Start start;
    try {
      start = decide(organizationId, uploadId, request);
    } catch (RuntimeException e) {
      QuarkusTransaction.rollback();
      throw e;
    }
    try {
      QuarkusTransaction.commit();
    } catch (RuntimeException e) {
      if (start.next() == Next.DRIVE) {
        work.abandon(uploadId, start.outcome(), e);
      }
      throw e;
    }
    return start;
  }

  private Start decide(String organizationId, String uploadId, CompleteRequest request) {
    Upload upload = require(organizationId, uploadId, LockModeType.PESSIMISTIC_WRITE);
    switch (upload.status) {
      case COMPLETED -> {
        return new Start(
            Next.ANSWER,
            upload,
            RegisteredFile.of(CompletionRegistration.fileOf(upload)),
            null,
            null);
      }
      case COMPLETING -> {
        return joinOrRedrive(upload, request);
      }
      case IN_PROGRESS -> {}
      default -> throw UploadProblems.notInProgress(upload);
    }
    requireChecksum(upload, request.integrityChecksum());
    List<PartTokenEntry> given = request.partsOrEmpty();
    requireTokens("parts", given, upload.numParts, storage.capabilities().partTokens());
    TreeMap<Integer, String> checkpointed = parts.checkpointed(upload.id);
    TreeMap<Integer, String> tokens = new TreeMap<>(checkpointed);
    tokens.putAll(latestTokens(given));
    List<Integer> missing =
        IntStream.range(0, upload.numParts).filter(n -> !tokens.containsKey(n)).boxed().toList();
    if (!missing.isEmpty()) {
      throw UploadProblems.missingParts(missing);
    }
    lifecycle.move(upload, UploadStatus.COMPLETING);
    upload.completingUntil = lease.fromNow();
    // No checkpoint can arrive while the upload is completing: none now means none to delete later.
    Plan plan =
        new Plan(
            upload,
            ordered(tokens),
            !checkpointed.isEmpty(),
            request.integrityChecksum(),
            false,
            BlockingHooks.callerKeyId());
    // Claimed last, under the row lock (nothing after it can fail but the commit): a complete
    // repeated on this replica finds it and joins.
    CompletionWork.Claim claim = work.claim(upload.id);
    return new Start(Next.DRIVE, upload, null, claim.outcome(), plan);
  }

  /**
   * A complete of an upload already {@code completing}: joins the work running on this replica, or
   * drives it again when none runs here (its request timed out on another replica, or a replica
   * died in it). Never {@code 409}: a client repeating its complete must be told to wait or get the
   * file.
   */
  private Start joinOrRedrive(Upload upload, CompleteRequest request) {
    CompletionWork.Claim claim = work.claim(upload.id);
    if (!claim.owner()) {
      return new Start(Next.JOIN, upload, null, claim.outcome(), null);
    }
    if (lease.heldElsewhere(upload)) {
      // Another replica drives it and renews its lease: asking the store again would assemble
      // the object twice.
      work.release(upload.id, claim.outcome());
      return new Start(Next.AWAIT_ELSEWHERE, upload, null, null, null);
    }
    try {
      requireChecksum(upload, request.integrityChecksum());
      List<PartTokenEntry> given = request.partsOrEmpty();
      requireTokens("parts", given, upload.numParts, storage.capabilities().partTokens());
      TreeMap<Integer, String> tokens = new TreeMap<>(parts.checkpointed(upload.id));
      tokens.putAll(latestTokens(given));
      upload.completingUntil = lease.fromNow();
      Plan plan =
          new Plan(
              upload,
              ordered(tokens),
              true,
              request.integrityChecksum(),
              true,
              BlockingHooks.callerKeyId());
      return new Start(Next.DRIVE, upload, null, claim.outcome(), plan);
    } catch (RuntimeException e) {
      work.abandon(upload.id, claim.outcome(), e);
      throw e;
    }
  }

  private static List<PartToken> ordered(TreeMap<Integer, String> tokens) {
    List<PartToken> ordered = new ArrayList<>(tokens.size());
    tokens.forEach((number, token) -> ordered.add(new PartToken(number, token)));
    return ordered;
  }

  private static void requireChecksum(Upload upload, String checksum) {
    if (checksum == null) {
      return;
    }
    if (IntegrityAlgorithm.NONE.wireName().equals(upload.integrityAlgorithm)) {
      throw UploadProblems.checksumNotSupported();
    }
    if (checksum.length() != CRC32C_BASE64_CHARS || !isCrc32c(checksum)) {
      throw ApiException.validation(
          "integrity_checksum", "must be the base64 of a 4-byte big-endian CRC32C (8 characters)");
    }
  }

  private static boolean isCrc32c(String value) {
    try {
      return Base64.getDecoder().decode(value).length == 4;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
