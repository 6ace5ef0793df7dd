package dev.filesapi.upload;

import dev.filesapi.events.EventType;
import java.util.Arrays;
import java.util.Optional;

/**
 * The upload state machine as a table: every status change an upload may make, with the webhook
 * event it raises and the name it is counted under. {@link UploadLifecycle} is the only code that
 * changes an upload's status, and it refuses any change this table does not list.
 *
 * <pre>
 *            initiate                 begin complete              complete
 *   (new) ───────────▶ in_progress ─────────────────▶ completing ──────────▶ completed
 *                      │  │     ▲                      │    │
 *               abort  │  │     └──────── reopen ──────┘    │ fail
 *                      ▼  ▼ expire                          ▼
 *                aborted  expired                         failed
 * </pre>
 */
public enum UploadTransition {
  INITIATE(null, UploadStatus.IN_PROGRESS, EventType.UPLOAD_INITIATED, "initiated"),
  BEGIN_COMPLETE(UploadStatus.IN_PROGRESS, UploadStatus.COMPLETING, null, "completing"),
  COMPLETE(
      UploadStatus.COMPLETING, UploadStatus.COMPLETED, EventType.UPLOAD_COMPLETED, "completed"),
  /** The store did not assemble the object: the client may fix its parts and complete again. */
  REOPEN(UploadStatus.COMPLETING, UploadStatus.IN_PROGRESS, null, "reopened"),
  FAIL(UploadStatus.COMPLETING, UploadStatus.FAILED, EventType.UPLOAD_FAILED, "failed"),
  ABORT(UploadStatus.IN_PROGRESS, UploadStatus.ABORTED, EventType.UPLOAD_ABORTED, "aborted"),
  EXPIRE(UploadStatus.IN_PROGRESS, UploadStatus.EXPIRED, EventType.UPLOAD_EXPIRED, "expired");

  private final UploadStatus from;
  private final UploadStatus to;
  private final EventType event;
  private final String counted;

  UploadTransition(UploadStatus from, UploadStatus to, EventType event, String counted) {
    this.from = from;
    this.to = to;
    this.event = event;
    this.counted = counted;
  }

  /** The status left; null for a new upload. */
  public UploadStatus from() {
    return from;
  }

  public UploadStatus to() {
    return to;
  }

  /** The webhook event the change raises, if any (entering completing and reopening raise none). */
  public Optional<EventType> event() {
    return Optional.ofNullable(event);
  }

  /** The {@code event} tag of the {@code files_uploads_total} counter. */
  public String counted() {
    return counted;
  }

  /** The change from one status to another, when the table allows it. */
  public static Optional<UploadTransition> between(UploadStatus from, UploadStatus to) {
    return Arrays.stream(values()).filter(t -> t.from == from && t.to == to).findFirst();
  }

  /**
   * The change from one status to another.
   *
   * @throws IllegalStateException when the table does not allow it
   */
  public static UploadTransition of(UploadStatus from, UploadStatus to) {
    return between(from, to)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "an upload may not go from "
                        + (from == null ? "new" : from.wireName())
                        + " to "
                        + to.wireName()));
  }
}
