package dev.filesapi.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deliveries table: claiming due deliveries, settling attempts, listing. Every method runs in
 * its caller's transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
class Deliveries {
  static final String PENDING = "pending";
  static final String DELIVERED = "delivered";
  static final String FAILED = "failed";

  /**
   * Leases up to {@code limit} due deliveries in one statement: rows other dispatchers hold are
   * skipped, and the claimed ones are due again only at {@code lease}, after their POST has
   * finished or timed out.
   */
  private static final String CLAIM =
      "update webhook_delivery d set next_attempt_at = ?1"
          + " from webhook_endpoint w, outbox_event e"
          + " where w.id = d.endpoint_id and e.id = d.event_id"
          + " and (d.endpoint_id, d.event_id) in (select endpoint_id, event_id from webhook_delivery"
          + " where status = 'pending' and next_attempt_at <= ?2 order by next_attempt_at"
          + " limit ?3 for update skip locked)"
          + " returning d.endpoint_id, d.event_id, d.attempts, d.retry_from, d.created_at,"
          + " w.url, w.secret, e.body";

  private final EntityManager em;

  Deliveries(EntityManager em) {
    this.em = em;
  }

  /** A leased delivery with what its POST needs; the secret as stored (see WebhookSecrets). */
  record Claimed(
      String endpointId,
      String eventId,
      int attempts,
      Instant retryFrom,
      Instant createdAt,
      String url,
      String storedSecret,
      String body,
      Instant lease) {
    /** Without the secret, so that no log line can carry it. */
    @Override
    public String toString() {
      return "Claimed[endpoint " + endpointId + ", event " + eventId + ", lease " + lease + "]";
    }
  }

  List<Claimed> claim(Instant now, Instant lease, int limit) {
    List<Claimed> claimed = new ArrayList<>();
    for (Object[] row :
        rows(
            em.createNativeQuery(CLAIM)
                .setParameter(1, lease)
                .setParameter(2, now)
                .setParameter(3, limit))) {
      claimed.add(
          new Claimed(
              (String) row[0],
              (String) row[1],
              ((Number) row[2]).intValue(),
              instant(row[3]),
              instant(row[4]),
              (String) row[5],
              (String) row[6],
              (String) row[7],
              lease));
    }
    return claimed;
  }

  /** Logs one attempt of a delivery (unless its endpoint was deleted meanwhile). */
  void logAttempt(
      Claimed delivery, Instant at, long durationMs, Integer responseStatus, String error) {
    em.createNativeQuery(
            "insert into webhook_attempt (endpoint_id, event_id, number, attempted_at,"
                + " duration_ms, response_status, error)"
                + " select ?1, ?2, coalesce((select max(number) from webhook_attempt"
                + " where endpoint_id = ?1 and event_id = ?2), 0) + 1, ?3, ?4,"
                + " cast(?5 as integer), cast(?6 as text)"
                + " where exists (select 1 from webhook_delivery"
                + " where endpoint_id = ?1 and event_id = ?2)")
        .setParameter(1, delivery.endpointId())
        .setParameter(2, delivery.eventId())
        .setParameter(3, at)
        .setParameter(4, (int) Math.min(durationMs, Integer.MAX_VALUE))
        .setParameter(5, responseStatus)
        .setParameter(6, error)
        .executeUpdate();
  }

  /**
   * Records the outcome of a leased delivery's attempt, unless it was redelivered or deleted
   * meanwhile (its lease no longer matches).
   *
   * @param status {@code delivered}, {@code pending} (retried at {@code next}) or {@code failed}
   * @return whether the delivery was still this attempt's
   */
  boolean settle(Claimed delivery, Instant at, String status, Instant next) {
    return em.createNativeQuery(
                "update webhook_delivery set status = ?1, attempts = attempts + 1,"
                    + " last_attempt_at = ?2, next_attempt_at = cast(?3 as timestamptz),"
                    + " delivered_at = case when ?1 = 'delivered' then cast(?2 as timestamptz) end"
                    + " where endpoint_id = ?4 and event_id = ?5 and status = 'pending'"
                    + " and next_attempt_at = ?6")
            .setParameter(1, status)
            .setParameter(2, at)
            .setParameter(3, next)
            .setParameter(4, delivery.endpointId())
            .setParameter(5, delivery.eventId())
            .setParameter(6, delivery.lease())
            .executeUpdate()
        == 1;
  }

  /** An attempt to the endpoint succeeded: it is not failing. */
  void endpointAnswered(String endpointId) {
    em.createNativeQuery(
            "update webhook_endpoint set consecutive_failures = 0, failing_since = null"
                + " where id = ?1 and (consecutive_failures > 0 or failing_since is not null)")
        .setParameter(1, endpointId)
        .executeUpdate();
  }

  /** How long an endpoint has been failing. */
  record Failing(int consecutiveFailures, Instant since) {}

  /** An attempt to the endpoint failed; empty when it is disabled or gone. */
  Optional<Failing> endpointFailed(String endpointId, Instant at) {
    List<Object[]> rows =
        rows(
            em.createNativeQuery(
                    "update webhook_endpoint set consecutive_failures = consecutive_failures + 1,"
                        + " failing_since = coalesce(failing_since, ?2)"
                        + " where id = ?1 and enabled"
                        + " returning consecutive_failures, failing_since")
                .setParameter(1, endpointId)
                .setParameter(2, at));
    return rows.stream()
        .findFirst()
        .map(row -> new Failing(((Number) row[0]).intValue(), instant(row[1])));
  }

  /** Disables an endpoint, saying why, and fails its pending deliveries. */
  void disable(String endpointId, String reason, Instant at) {
    em.createNativeQuery(
            "update webhook_endpoint set enabled = false, disabled_reason = ?2, updated_at = ?3"
                + " where id = ?1")
        .setParameter(1, endpointId)
        .setParameter(2, reason)
        .setParameter(3, at)
        .executeUpdate();
    failPending(endpointId);
  }

  /** Fails every pending delivery of an endpoint (it was disabled). */
  int failPending(String endpointId) {
    return em.createNativeQuery(
            "update webhook_delivery set status = 'failed', next_attempt_at = null"
                + " where endpoint_id = ?1 and status = 'pending'")
        .setParameter(1, endpointId)
        .executeUpdate();
  }

  /** Makes a delivery due now, with a fresh retry window; false when there is no such one. */
  boolean redeliver(String endpointId, String eventId, Instant now) {
    return em.createNativeQuery(
                "update webhook_delivery set status = 'pending', attempts = 0,"
                    + " next_attempt_at = ?1, retry_from = ?1, delivered_at = null"
                    + " where endpoint_id = ?2 and event_id = ?3")
            .setParameter(1, now)
            .setParameter(2, endpointId)
            .setParameter(3, eventId)
            .executeUpdate()
        == 1;
  }

  /** When the oldest pending delivery was created, if any. */
  Optional<Instant> oldestPending() {
    Object oldest =
        em.createNativeQuery(
                "select min(created_at) from webhook_delivery where status = 'pending'")
            .getSingleResult();
    return Optional.ofNullable(oldest).map(Deliveries::instant);
  }

  /** Deletes up to {@code limit} events older than {@code before} with nothing pending. */
  int purge(Instant before, int limit) {
    return em.createNativeQuery(
            "delete from outbox_event where id in (select id from outbox_event o"
                + " where o.created_at < ?1 and not exists (select 1 from webhook_delivery d"
                + " where d.event_id = o.id and d.status = 'pending') limit ?2)")
        .setParameter(1, before)
        .setParameter(2, limit)
        .executeUpdate();
  }

  /** One page of an endpoint's deliveries, newest first; one more than asked tells of a next. */
  List<DeliveryView> page(
      String endpointId, Optional<String> status, Optional<DeliveryCursor> after, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "select d.event_id, e.type, d.status, d.attempts, d.next_attempt_at,"
                + " d.delivered_at, d.created_at, e.body from webhook_delivery d"
                + " join outbox_event e on e.id = d.event_id where d.endpoint_id = :endpoint");
    status.ifPresent(s -> sql.append(" and d.status = :status"));
    after.ifPresent(
        c ->
            sql.append(
                " and (d.created_at < :created or (d.created_at = :created and d.event_id < :id))"));
    sql.append(" order by d.created_at desc, d.event_id desc limit :limit");
    Query query =
        em.createNativeQuery(sql.toString())
            .setParameter("endpoint", endpointId)
            .setParameter("limit", limit);
    status.ifPresent(s -> query.setParameter("status", s));
    after.ifPresent(
        c -> query.setParameter("created", c.createdAt()).setParameter("id", c.eventId()));
    List<Object[]> rows = rows(query);
    Map<String, List<DeliveryView.AttemptView>> attempts =
        attempts(endpointId, rows.stream().map(row -> (String) row[0]).toList());
    List<DeliveryView> page = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      page.add(
          new DeliveryView(
              (String) row[0],
              (String) row[1],
              (String) row[2],
              ((Number) row[3]).intValue(),
              row[4] == null ? null : instant(row[4]),
              row[5] == null ? null : instant(row[5]),
              instant(row[6]),
              attempts.getOrDefault((String) row[0], List.of()),
              (String) row[7]));
    }
    return page;
  }

  /** One delivery of an endpoint. */
  Optional<DeliveryView> find(String endpointId, String eventId) {
    List<Object[]> rows =
        rows(
            em.createNativeQuery(
                    "select d.event_id, e.type, d.status, d.attempts, d.next_attempt_at,"
                        + " d.delivered_at, d.created_at, e.body from webhook_delivery d"
                        + " join outbox_event e on e.id = d.event_id"
                        + " where d.endpoint_id = ?1 and d.event_id = ?2")
                .setParameter(1, endpointId)
                .setParameter(2, eventId));
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Object[] row = rows.get(0);
    return Optional.of(
        new DeliveryView(
            (String) row[0],
            (String) row[1],
            (String) row[2],
            ((Number) row[3]).intValue(),
            row[4] == null ? null : instant(row[4]),
            row[5] == null ? null : instant(row[5]),
            instant(row[6]),
            attempts(endpointId, List.of(eventId)).getOrDefault(eventId, List.of()),
            (String) row[7]));
  }

  private Map<String, List<DeliveryView.AttemptView>> attempts(
      String endpointId, List<String> eventIds) {
    Map<String, List<DeliveryView.AttemptView>> attempts = new HashMap<>();
    if (eventIds.isEmpty()) {
      return attempts;
    }
    for (Object[] row :
        rows(
            em.createNativeQuery(
                    "select event_id, number, attempted_at, duration_ms, response_status, error"
                        + " from webhook_attempt where endpoint_id = :endpoint"
                        + " and event_id in (:events) order by event_id, number")
                .setParameter("endpoint", endpointId)
                .setParameter("events", eventIds))) {
      attempts
          .computeIfAbsent((String) row[0], id -> new ArrayList<>())
          .add(
              new DeliveryView.AttemptView(
                  ((Number) row[1]).intValue(),
                  instant(row[2]),
                  ((Number) row[3]).longValue(),
                  row[4] == null ? null : ((Number) row[4]).intValue(),
                  (String) row[5]));
    }
    return attempts;
  }

  @SuppressWarnings("unchecked")
  private static List<Object[]> rows(Query query) {
    return query.getResultList();
  }

  /** A timestamptz column as the driver hands it over. */
  static Instant instant(Object value) {
    if (value instanceof Instant instant) {
      return instant;
    }
    if (value instanceof OffsetDateTime offset) {
      return offset.toInstant();
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant();
    }
    throw new IllegalStateException("not a timestamp: " + value.getClass().getName());
  }
}
