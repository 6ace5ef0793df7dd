package dev.filesapi.storage;

/** The store could not be reached or failed on its side; the operation may be retried. */
public class StorageUnavailableException extends RuntimeException {
  private final boolean answered;

  public StorageUnavailableException(String action, Throwable cause) {
    this(action, cause, false);
  }

  /**
   * @param answered whether the store sent an error answer (a 5xx, throttling) rather than none (a
   *     deadline passed, the connection failed)
   */
  public StorageUnavailableException(String action, Throwable cause, boolean answered) {
    super(action + " failed: " + cause.getClass().getSimpleName(), cause);
    this.answered = answered;
  }

  /** Whether the store answered (with an error); false when nothing came back. */
  public boolean answered() {
    return answered;
  }
}
