package dev.filesapi.storage;

import java.util.Set;

/**
 * What an error answer of the object store means for the request: {@link #TRANSIENT} (the store is
 * overloaded, slow or failing on its side: the same request may succeed later) or {@link
 * #PERMANENT} (the store refuses the request as configured: wrong credentials, no permission, no
 * such bucket, a feature it lacks; repeating it cannot help until an operator changes something).
 * S3, S3-compatible stores and the GCS XML API share these statuses and codes.
 */
public enum StoreFailure {
  TRANSIENT,
  PERMANENT;

  /**
   * Codes that ask for a retry whatever their status: throttling (S3 answers {@code 503 SlowDown},
   * others 429 or 400), a request the store timed out while reading ({@code 400 RequestTimeout}), a
   * conflicting operation in progress ({@code 409 OperationAborted}).
   */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottled",
          "RequestThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "BandwidthLimitExceeded",
          "RequestTimeout",
          "RequestTimeoutException",
          "InternalError",
          "ServiceUnavailable",
          "OperationAborted",
          "PriorRequestNotComplete");

  /**
   * Classifies an HTTP error answer of the store.
   *
   * @param status the HTTP status the store answered
   * @param errorCode the store's error code ({@code AccessDenied}), or null when it sent none (HEAD
   *     answers have no body)
   */
  public static StoreFailure of(int status, String errorCode) {
    if (errorCode != null && TRANSIENT_CODES.contains(errorCode)) {
      return TRANSIENT;
    }
    if (status == 408 || status == 429) {
      return TRANSIENT;
    }
    // 501 NotImplemented: the store lacks what the request asks for, on every attempt.
    if (status >= 500 && status != 501) {
      return TRANSIENT;
    }
    return PERMANENT;
  }
}
