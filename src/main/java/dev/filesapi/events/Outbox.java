package dev.filesapi.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.database.Ids;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The transactional outbox: an event row and one pending delivery per subscribed, enabled endpoint
 * of the organization, written in one statement inside the caller's transaction. The dispatcher
 * sends them after the commit; a rolled-back change leaves nothing to send.
 */
@ApplicationScoped
public class Outbox implements Events {
  private static final String EVENT =
      "with event as (insert into outbox_event (id, organization_id, type, body, created_at)"
          + " values (?1, ?2, ?3, ?4, ?5) returning id)"
          + " insert into webhook_delivery"
          + " (endpoint_id, event_id, status, next_attempt_at, retry_from, created_at)"
          + " select w.id, event.id, 'pending', ?5, ?5, ?5 from webhook_endpoint w, event"
          + " where w.organization_id = ?2 and ";
  private static final String SUBSCRIBED =
      "w.enabled and (w.event_types is null or ?3 = any (w.event_types))";
  private static final String ONE_ENDPOINT = "w.id = ?6";

  private final EntityManager em;
  private final ObjectMapper json;
  private final Clock clock;

  Outbox(EntityManager em, ObjectMapper json, Clock clock) {
    this.em = em;
    this.json = json;
    this.clock = clock;
  }

  /** The body every endpoint receives, in the Standard Webhooks shape (type, timestamp, data). */
  @RegisterForReflection
  @JsonPropertyOrder({"id", "type", "timestamp", "organization_id", "data"})
  record Envelope(String id, String type, Instant timestamp, String organizationId, Object data) {}

  @Override
  @Transactional(Transactional.TxType.MANDATORY)
  public void record(String organizationId, EventType type, Object data) {
    write(organizationId, type, data, null);
  }

  /**
   * Writes an event for one endpoint only, whatever it subscribed to (the test event).
   *
   * @return the event's id
   */
  @Transactional(Transactional.TxType.MANDATORY)
  String recordFor(String organizationId, String endpointId, EventType type, Object data) {
    return write(organizationId, type, data, endpointId);
  }

  private String write(String organizationId, EventType type, Object data, String endpointId) {
    String id = Ids.generate("evt_");
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String body;
    try {
      body = json.writeValueAsString(new Envelope(id, type.wireName(), now, organizationId, data));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event data of " + type.wireName() + " is not JSON", e);
    }
    var insert =
        em.createNativeQuery(EVENT + (endpointId == null ? SUBSCRIBED : ONE_ENDPOINT))
            .setParameter(1, id)
            .setParameter(2, organizationId)
            .setParameter(3, type.wireName())
            .setParameter(4, body)
            .setParameter(5, now);
    if (endpointId != null) {
      insert.setParameter(6, endpointId);
    }
    insert.executeUpdate();
    return id;
  }
}
