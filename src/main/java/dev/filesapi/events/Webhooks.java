package dev.filesapi.events;

import dev.filesapi.database.AdvisoryLocks;
import dev.filesapi.database.Ids;
import dev.filesapi.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An organization's webhook endpoints and their deliveries. URLs are checked (and resolved) before
 * any transaction starts; every method sees only the caller's organization.
 */
@ApplicationScoped
public class Webhooks {
  static final int MAX_DESCRIPTION = 500;

  private final WebhookTargets targets;
  private final WebhookConfig config;
  private final Outbox outbox;
  private final Deliveries deliveries;
  private final WebhookSecrets secrets;
  private final EntityManager em;
  private final Clock clock;

  Webhooks(
      WebhookTargets targets,
      WebhookConfig config,
      Outbox outbox,
      Deliveries deliveries,
      WebhookSecrets secrets,
      EntityManager em,
      Clock clock) {
    this.targets = targets;
    this.config = config;
    this.outbox = outbox;
    this.deliveries = deliveries;
    this.secrets = secrets;
    this.em = em;
    this.clock = clock;
  }

  public WebhookView create(String organizationId, WebhookRequest request) {
    String url = targets.requireAcceptable("url", request.url()).toString();
    String description = description(request.description());
    String[] types = request.eventTypes() == null ? null : eventTypes(request.eventTypes());
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              // Serialises the count-and-insert of one organization, so the limit holds.
              AdvisoryLocks.lock(em, "webhooks", organizationId, "");
              long existing = WebhookEndpoint.count("organizationId", organizationId);
              if (existing >= config.maxEndpointsPerOrganization()) {
                throw ApiException.conflict(
                    "too_many_webhooks",
                    "The organization has "
                        + existing
                        + " webhook endpoints, the most it may have; delete one first");
              }
              Instant now = now();
              WebhookEndpoint endpoint = new WebhookEndpoint();
              endpoint.id = Ids.generate("whk_");
              endpoint.organizationId = organizationId;
              endpoint.url = url;
              endpoint.description = description;
              endpoint.eventTypes = types;
              String secret = WebhookSignatures.newSecret();
              endpoint.secret = secrets.seal(endpoint.id, secret);
              endpoint.enabled = request.enabled() == null || request.enabled();
              endpoint.createdAt = now;
              endpoint.updatedAt = now;
              endpoint.persist();
              return WebhookView.of(endpoint, secret);
            });
  }

  public WebhookList list(String organizationId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                new WebhookList(
                    WebhookEndpoint.<WebhookEndpoint>find(
                            "organizationId = ?1 order by createdAt, id", organizationId)
                        .stream()
                        .map(endpoint -> WebhookView.of(endpoint, null))
                        .toList()));
  }

  public WebhookView get(String organizationId, String webhookId) {
    return QuarkusTransaction.requiringNew()
        .call(() -> WebhookView.of(require(organizationId, webhookId), null));
  }

  public WebhookView update(String organizationId, String webhookId, WebhookChange change) {
    String url =
        change.url() == null ? null : targets.requireAcceptable("url", change.url()).toString();
    Optional<String> description =
        change.description() == null
            ? null
            : Optional.ofNullable(description(change.description().orElse(null)));
    Optional<String[]> types =
        change.eventTypes() == null ? null : change.eventTypes().map(Webhooks::eventTypes);
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              WebhookEndpoint endpoint = require(organizationId, webhookId);
              if (url != null) {
                endpoint.url = url;
              }
              if (description != null) {
                endpoint.description = description.orElse(null);
              }
              if (types != null) {
                endpoint.eventTypes = types.orElse(null);
              }
              if (Boolean.TRUE.equals(change.enabled()) && !endpoint.enabled) {
                endpoint.enabled = true;
                endpoint.disabledReason = null;
                endpoint.consecutiveFailures = 0;
                endpoint.failingSince = null;
              } else if (Boolean.FALSE.equals(change.enabled()) && endpoint.enabled) {
                endpoint.enabled = false;
                deliveries.failPending(endpoint.id);
              }
              endpoint.updatedAt = now();
              return WebhookView.of(endpoint, null);
            });
  }

  /** Deletes the endpoint with its deliveries; nothing more is sent to it. */
  public void delete(String organizationId, String webhookId) {
    QuarkusTransaction.requiringNew().run(() -> require(organizationId, webhookId).delete());
  }

  /** A new secret, effective for the next POST; the old one stops signing at once. */
  public WebhookView rotateSecret(String organizationId, String webhookId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              WebhookEndpoint endpoint = require(organizationId, webhookId);
              String secret = WebhookSignatures.newSecret();
              endpoint.secret = secrets.seal(endpoint.id, secret);
              endpoint.updatedAt = now();
              return WebhookView.of(endpoint, secret);
            });
  }

  /** Queues a {@code webhook.test} event for this endpoint alone. */
  public DeliveryView test(String organizationId, String webhookId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              WebhookEndpoint endpoint = requireEnabled(organizationId, webhookId);
              String eventId =
                  outbox.recordFor(
                      organizationId,
                      endpoint.id,
                      EventType.WEBHOOK_TEST,
                      new EventData.WebhookTest(endpoint.id));
              return deliveries.find(endpoint.id, eventId).orElseThrow();
            });
  }

  public DeliveryPage deliveries(
      String organizationId,
      String webhookId,
      Optional<String> status,
      int limit,
      Optional<String> cursor) {
    Optional<DeliveryCursor> after = cursor.map(DeliveryCursor::decode);
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              WebhookEndpoint endpoint = require(organizationId, webhookId);
              List<DeliveryView> found = deliveries.page(endpoint.id, status, after, limit + 1);
              if (found.size() <= limit) {
                return new DeliveryPage(found, null);
              }
              List<DeliveryView> page = new ArrayList<>(found.subList(0, limit));
              DeliveryView last = page.get(limit - 1);
              return new DeliveryPage(
                  page, new DeliveryCursor(last.createdAt(), last.eventId()).encode());
            });
  }

  /** Sends a delivery again (delivered or failed ones too), with a fresh retry schedule. */
  public DeliveryView redeliver(String organizationId, String webhookId, String eventId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              WebhookEndpoint endpoint = requireEnabled(organizationId, webhookId);
              if (!deliveries.redeliver(endpoint.id, eventId, now())) {
                throw ApiException.notFound("Delivery", eventId);
              }
              return deliveries.find(endpoint.id, eventId).orElseThrow();
            });
  }

  /** For the admin API: 404 unless the organization exists. */
  public void requireOrganization(String organizationId) {
    if (QuarkusTransaction.requiringNew()
            .call(() -> em.find(dev.filesapi.tenancy.Organization.class, organizationId))
        == null) {
      throw ApiException.notFound("Organization", organizationId);
    }
  }

  private WebhookEndpoint require(String organizationId, String webhookId) {
    WebhookEndpoint endpoint = WebhookEndpoint.findById(webhookId);
    if (endpoint == null || !endpoint.organizationId.equals(organizationId)) {
      throw ApiException.notFound("Webhook", webhookId);
    }
    return endpoint;
  }

  private WebhookEndpoint requireEnabled(String organizationId, String webhookId) {
    WebhookEndpoint endpoint = require(organizationId, webhookId);
    if (!endpoint.enabled) {
      throw ApiException.conflict(
          "webhook_disabled",
          "The webhook is disabled"
              + (endpoint.disabledReason == null ? "" : " (" + endpoint.disabledReason + ")")
              + "; enable it with PATCH {\"enabled\": true} first");
    }
    return endpoint;
  }

  private static String description(String description) {
    if (description == null) {
      return null;
    }
    if (description.length() > MAX_DESCRIPTION) {
      throw ApiException.validation(
          "description", "must be at most " + MAX_DESCRIPTION + " characters");
    }
    if (description.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.validation("description", "must not contain control characters");
    }
    return description;
  }

  /** Known, subscribable types, each once, in the catalogue's order. */
  private static String[] eventTypes(List<String> names) {
    if (names.isEmpty()) {
      throw ApiException.validation(
          "event_types", "must name at least one type; leave it out for every type");
    }
    Set<EventType> types = new LinkedHashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Optional<EventType> type =
          Optional.ofNullable(name)
              .flatMap(EventType::fromWireName)
              .filter(EventType.subscribable()::contains);
      if (type.isEmpty()) {
        throw ApiException.validation(
            "event_types[" + i + "]",
            "must be one of "
                + EventType.subscribable().stream()
                    .map(EventType::wireName)
                    .collect(Collectors.joining(", ")));
      }
      types.add(type.get());
    }
    return EventType.subscribable().stream()
        .filter(types::contains)
        .map(EventType::wireName)
        .toArray(String[]::new);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
