package dev.filesapi.storage;

/** The store could not be reached or failed on its side; the operation may be retried. */
public class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String action, Throwable cause) {
    super(action + " failed: " + cause.getClass().getSimpleName(), cause);
  }
}
