package dev.filesapi.storage;

/** The store no longer knows the multipart upload (completed or aborted already). */
public class NoSuchUploadException extends RuntimeException {
  public NoSuchUploadException(String action) {
    super(action + ": the store has no such multipart upload");
  }
}
