package dev.filesapi.events;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The events an organization's webhook endpoints can receive; {@link #wireName()} is the type. */
public enum EventType {
  UPLOAD_INITIATED,
  UPLOAD_COMPLETED,
  UPLOAD_ABORTED,
  UPLOAD_EXPIRED,
  UPLOAD_FAILED,
  FILE_DELETED,
  FILE_REPLACED,
  /** Sent by {@code POST /webhooks/{id}/test} to that endpoint only; not subscribable. */
  WEBHOOK_TEST;

  // Computed once: every outbox write asks for it.
  private final String wireName = name().toLowerCase(Locale.ROOT).replaceFirst("_", ".");

  /** {@code upload.completed}, … */
  public String wireName() {
    return wireName;
  }

  /** The types an endpoint can subscribe to: all but {@code webhook.test}. */
  public static List<EventType> subscribable() {
    return Arrays.stream(values()).filter(type -> type != WEBHOOK_TEST).toList();
  }

  public static Optional<EventType> fromWireName(String value) {
    return Arrays.stream(values()).filter(type -> type.wireName().equals(value)).findFirst();
  }
}
