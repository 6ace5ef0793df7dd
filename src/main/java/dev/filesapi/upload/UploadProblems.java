package dev.filesapi.upload;

import dev.filesapi.problem.ApiException;
import java.util.List;
import java.util.Map;

/** The problem bodies of an upload's lifecycle, each with its status and stable code. */
final class UploadProblems {
  private UploadProblems() {}

  /** {@code 409 upload_completing}: another request is completing it; the client retries. */
  static ApiException completing(String advice) {
    return ApiException.withHeaders(
        409,
        "upload_completing",
        "Another request is completing this upload; " + advice,
        Map.of("Retry-After", "1"));
  }

  /** {@code 409 upload_not_in_progress}, naming why a failed upload failed. */
  static ApiException notInProgress(Upload upload) {
    String why =
        upload.failureCode == null
            ? ""
            : ": " + upload.failureDetail + " (" + upload.failureCode + ")";
    return ApiException.conflict(
        "upload_not_in_progress",
        "The upload is " + upload.status.wireName() + ", not in_progress" + why);
  }

  /** {@code 400 missing_parts}: parts with no token, checkpointed or sent. */
  static ApiException missingParts(List<Integer> missing) {
    return ApiException.aboutParts(
        400,
        "missing_parts",
        missing.size() + " part(s) have no token: checkpoint them or send them in parts",
        missing);
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

  /** {@code 422 checksum_mismatch}: the assembled file is not the one the client sent. */
  static ApiException checksumMismatch(String stored, String sent) {
    return ApiException.of(
        422,
        "checksum_mismatch",
        "The assembled file's CRC32C is "
            + stored
            + ", not the integrity_checksum sent ("
            + sent
            + "); the upload has failed and its object is deleted: upload the file again");
  }

  /** {@code 400 checksum_not_supported}: a checksum for an upload that verifies none. */
  static ApiException checksumNotSupported() {
    return ApiException.of(
        400,
        "checksum_not_supported",
        "This upload's integrity_algorithm is none; send no integrity_checksum");
  }
}
