package dev.filesapi.events;

/**
 * Announces a state change to the organization's webhook endpoints. The event is written in the
 * caller's transaction (a transactional outbox): it exists exactly when the change commits, and is
 * delivered after the commit, at least once. There must be a transaction.
 */
public interface Events {

  /**
   * @param data the event's {@code data}: one of the records of {@link EventData}, never a secret
   *     or a presigned URL
   */
  void record(String organizationId, EventType type, Object data);
}
