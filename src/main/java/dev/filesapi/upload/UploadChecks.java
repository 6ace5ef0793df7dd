package dev.filesapi.upload;

import dev.filesapi.problem.ApiException;
import dev.filesapi.storage.PartToken;
import jakarta.persistence.LockModeType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks every step of an upload shares: finding an organization's upload (row-locked when
 * asked), its state, and the part numbers and tokens a request names. Each failed check is a
 * problem from {@link UploadProblems}.
 */
final class UploadChecks {
  private UploadChecks() {}

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
      throw UploadProblems.notInProgress(upload);
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

  static void requirePartNumbers(String field, List<Integer> numbers, int numParts) {
    for (int i = 0; i < numbers.size(); i++) {
      int number = numbers.get(i);
      if (number < 0 || number >= numParts) {
        throw ApiException.validation(
            field + "[" + i + "]", "must be between 0 and " + (numParts - 1));
      }
    }
  }

  /**
   * Checks part numbers and tokens.
   *
   * @param tokensAnswered whether the store answers each part PUT with a token ({@link
   *     dev.filesapi.storage.BackendCapabilities#partTokens()}); where it answers none (Azure), an
   *     empty token is what a client has to send and is accepted
   */
  static void requireTokens(
      String field, List<PartTokenEntry> entries, int numParts, boolean tokensAnswered) {
    for (int i = 0; i < entries.size(); i++) {
      PartTokenEntry entry = entries.get(i);
      if (entry.partNumber() < 0 || entry.partNumber() >= numParts) {
        throw ApiException.validation(
            field + "[" + i + "].part_number", "must be between 0 and " + (numParts - 1));
      }
      if ((tokensAnswered && entry.partToken().isBlank())
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
          && !PartToken.unquoted(entries.get(first).partToken())
              .equals(PartToken.unquoted(entry.partToken()))) {
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
