package dev.filesapi.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;

/** The outbox as the database holds it, for assertions. */
final class OutboxRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutboxRows() {}

  /** The bodies of an organization's events, oldest first. */
  static List<JsonNode> events(String organizationId) {
    List<String> bodies =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  EntityManager em = Arc.container().instance(EntityManager.class).get();
                  @SuppressWarnings("unchecked")
                  List<String> rows =
                      em.createNativeQuery(
                              "select body from outbox_event where organization_id = ?1"
                                  + " order by created_at, id")
                          .setParameter(1, organizationId)
                          .getResultList();
                  return rows;
                });
    List<JsonNode> events = new ArrayList<>();
    for (String body : bodies) {
      try {
        events.add(JSON.readTree(body));
      } catch (Exception e) {
        throw new AssertionError("an event body is not JSON: " + body, e);
      }
    }
    return events;
  }

  /** The types of an organization's events, oldest first. */
  static List<String> types(String organizationId) {
    return events(organizationId).stream().map(event -> event.path("type").asText()).toList();
  }
}
