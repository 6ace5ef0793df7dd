package dev.filesapi.storage;

import java.util.Objects;

/**
 * The store answered, and refused the request in a way retrying cannot cure (see {@link
 * StoreFailure#PERMANENT}): wrong credentials, no permission, no such bucket, an unsupported
 * feature. The message carries the store's own message for the log; {@link #errorCode()} is safe to
 * show to clients.
 */
public class StorageRejectedException extends RuntimeException {
  private static final int MAX_STORE_MESSAGE = 300;
  private static final java.util.regex.Pattern CODE =
      java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final int status;
  private final String errorCode;

  /**
   * @param action what was asked of the store, e.g. {@code S3 put object}
   * @param status the HTTP status the store answered
   * @param errorCode the store's error code, or null when it sent none
   * @param storeMessage the store's message, or null
   */
  public StorageRejectedException(
      String action, int status, String errorCode, String storeMessage) {
    super(
        Objects.requireNonNull(action, "action is null")
            + " refused: "
            + status
            + " "
            + (errorCode == null ? "(no error code)" : errorCode)
            + (storeMessage == null || storeMessage.isBlank()
                ? ""
                : ": " + abbreviated(storeMessage.strip())));
    this.status = status;
    this.errorCode = errorCode != null && CODE.matcher(errorCode).matches() ? errorCode : null;
  }

  private static String abbreviated(String message) {
    return message.length() <= MAX_STORE_MESSAGE
        ? message
        : message.substring(0, MAX_STORE_MESSAGE) + "…";
  }

  public int status() {
    return status;
  }

  /** The store's error code ({@code AccessDenied}), or {@code HTTP 403} when it sent none. */
  public String errorCode() {
    return errorCode == null ? "HTTP " + status : errorCode;
  }
}
