package dev.filesapi.events;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * What events carry in {@code data}: the wire contract of the catalogue in docs/events.md. Built by
 * the packages that change the state; nothing here is a secret, a storage key or a presigned URL.
 */
public final class EventData {
  private EventData() {}

  /** An upload as events describe it. */
  @RegisterForReflection
  public record UploadData(
      String uploadId,
      String fileUid,
      String fileName,
      String fileType,
      long numBytes,
      int numParts,
      String status,
      Instant createdAt,
      Instant expiresAt,
      Failure failure) {}

  /**
   * Why an upload failed ({@code upload.failed}): the code and detail of the problem its complete
   * ended with; absent from other events.
   */
  @RegisterForReflection
  public record Failure(String code, String detail) {}

  /** A registered file as events describe it; {@code uploadId} is null for simple uploads. */
  @RegisterForReflection
  public record FileData(
      String fileId,
      String fileUid,
      String uploadId,
      String fileType,
      long numBytes,
      String fileStatus,
      Checksum checksum,
      Instant createdAt) {}

  @RegisterForReflection
  public record Checksum(String algorithm, String value) {}

  /**
   * {@code upload.initiated}, {@code .aborted}, {@code .expired}, {@code .failed}: the upload;
   * {@code upload.completed}: the upload (absent for a simple upload) and the registered file.
   */
  @RegisterForReflection
  public record UploadEvent(UploadData upload, FileData file) {}

  /**
   * {@code file.deleted}: the file; {@code file.replaced}: the new file and the one it replaced.
   */
  @RegisterForReflection
  public record FileEvent(FileData file, FileData replacedFile) {}

  /** {@code webhook.test}. */
  @RegisterForReflection
  public record WebhookTest(String webhookId) {}
}
