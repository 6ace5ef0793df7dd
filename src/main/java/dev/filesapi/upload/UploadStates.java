package dev.filesapi.upload;

import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.RejectedParts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every step of the upload state machine shares: finding an organization's upload (row-locked
 * when asked), the checks of its state, part numbers and tokens, and the state change itself with
 * its log line, counter and webhook event ({@link UploadEvents}).
 */
@ApplicationScoped
public class UploadStates {
  private final UploadEvents events;
  private final Clock clock;

  UploadStates(UploadEvents events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  /** Moves the upload to a state, in the caller's transaction, and tells {@link UploadEvents}. */
  void transition(Upload upload, UploadStatus to) {
    UploadStatus from = upload.status;
    upload.status = to;
    upload.updatedAt = now();
    events.transitioned(upload, from, to);
    events.announce(upload, from, to);
  }

  /**
   * Tells {@link UploadEvents} of a state change the caller already wrote in SQL, and brings the
   * (unmanaged) upload to it.
   */
  void transitioned(Upload upload, UploadStatus to, Instant at) {
    UploadStatus from = upload.status;
    upload.status = to;
    upload.updatedAt = at;
    events.transitioned(upload, from, to);
    events.announce(upload, from, to);
  }

  /** The clock at the database's precision. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** The organization's upload, or 404 (another organization's upload is not found either). */
  static Upload require(String organizationId, String uploadId) {
    return require(organizationId, uploadId, LockModeType.NONE);
  }

  static Upload require(String organizationId, String uploadId, LockModeType lock) {
    Upload upload = Upload.findById(uploadId, lock);
    if (upload == null || !upload.organizationId.equals(organizationId)) {
      throw ApiException.notFound("Upload", uploadId);
    }
    return upload;
  }

  static void requireInProgress(Upload upload) {
    if (upload.status != UploadStatus.IN_PROGRESS) {
      throw notInProgress(upload);
    }
  }

  /** Part URLs and checkpoints by zero-based number need the service's part plan. */
  static void requirePlanned(Upload upload) {
    if (!upload.planned()) {
      throw ApiException.conflict(
          "upload_unplanned",
          "This upload was started without a size (through /v1/uppy); its client chooses the"
              + " parts: sign and complete them through the /v1/uppy/s3 routes");
    }
  }

  static ApiException completing(String advice) {
    return ApiException.withHeaders(
        409,
        "upload_completing",
        "Another request is completing this upload; " + advice,
        Map.of("Retry-After", "1"));
  }

  static ApiException notInProgress(Upload upload) {
    String why =
        upload.failureCode == null
            ? ""
            : ": " + upload.failureDetail + " (" + upload.failureCode + ")";
    return ApiException.conflict(
        "upload_not_in_progress",
        "The upload is " + upload.status.wireName() + ", not in_progress" + why);
  }

  static void requirePartNumbers(String field, List<Integer> numbers, int numParts) {
    for (int i = 0; i < numbers.size(); i++) {
      int number = numbers.get(i);
      if (number < 0 || number >= numParts) {
        throw ApiException.validation(
            field + "[" + i + "]", "must be between 0 and " + (numParts - 1));
      }
    }
  }

  static void requireTokens(String field, List<PartTokenEntry> entries, int numParts) {
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
    requireOneTokenPerPart(field, entries);
  }

  /**
   * A part named twice must carry the same token both times (with or without quotes): which of two
   * different tokens the client meant cannot be told, so the request is refused, naming the part.
   */
  private static void requireOneTokenPerPart(String field, List<PartTokenEntry> entries) {
    Map<Integer, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      PartTokenEntry entry = entries.get(i);
      Integer first = firstIndex.putIfAbsent(entry.partNumber(), i);
      if (first != null
          && !RejectedParts.unquoted(entries.get(first).partToken())
              .equals(RejectedParts.unquoted(entry.partToken()))) {
        throw ApiException.validation(
            field + "[" + i + "].part_token",
            "part "
                + entry.partNumber()
                + " is given twice with different tokens ("
                + field
                + "["
                + first
                + "] and "
                + field
                + "["
                + i
                + "])");
      }
    }
  }

  /** Tokens by part number; a part given twice carries the same token (requireTokens). */
  static Map<Integer, String> latestTokens(List<PartTokenEntry> entries) {
    Map<Integer, String> tokens = new TreeMap<>();
    for (PartTokenEntry entry : entries) {
      tokens.put(entry.partNumber(), entry.partToken());
    }
    return tokens;
  }
}
