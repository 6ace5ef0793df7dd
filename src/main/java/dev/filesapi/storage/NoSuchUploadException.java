package dev.filesapi.storage;

/** The store no longer knows the multipart upload (completed or aborted already). */
public class NoSuchUploadException extends RuntimeException {
  public NoSuchUploadException(String key) {
    super("no open multipart upload for " + key);
  }
}
