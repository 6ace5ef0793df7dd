package dev.filesapi.events;

import dev.filesapi.http.QueryParams;
import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.Problem;
import dev.filesapi.tenancy.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The organization's webhook endpoints and their deliveries: thin mapping onto {@link Webhooks}.
 */
@Path("/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(
    name = "Webhooks",
    description =
        "Signed POSTs (Standard Webhooks) of upload and file events to the organization's endpoints")
@SecurityRequirement(name = "api_key")
@APIResponse(
    responseCode = "401",
    description = "Missing or unknown API key",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class WebhookResource {
  private static final Set<String> DELIVERY_STATES =
      Set.of(Deliveries.PENDING, Deliveries.DELIVERED, Deliveries.FAILED);

  private final Webhooks webhooks;
  private final Caller caller;

  WebhookResource(Webhooks webhooks, Caller caller) {
    this.webhooks = webhooks;
    this.caller = caller;
  }

  @POST
  @Operation(
      operationId = "createWebhook",
      summary = "Add a webhook endpoint",
      description =
          "Events of the organization are POSTed to url, signed with the answer's secret (shown"
              + " only here and by rotate-secret). The url must be https and resolve to public"
              + " addresses.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "completed and deleted files",
                      value =
                          "{\"url\":\"https://hooks.example.com/files\",\"description\":\"ingest\",\"event_types\":[\"upload.completed\",\"file.deleted\"]}")))
  @APIResponse(
      responseCode = "201",
      description = "Created; secret holds the signing secret",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = WebhookView.class)))
  @APIResponse(
      responseCode = "400",
      description = "validation_failed, webhook_url_refused",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "too_many_webhooks",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response create(@NotNull @Valid WebhookRequest body, @Context UriInfo uri) {
    WebhookView created = webhooks.create(caller.organizationId(), body);
    return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build())
        .entity(created)
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Operation(
      operationId = "listWebhooks",
      summary = "List webhook endpoints",
      description = "Oldest first, without secrets.")
  @APIResponse(responseCode = "200", description = "OK")
  public WebhookList list() {
    return webhooks.list(caller.organizationId());
  }

  @GET
  @Path("/{webhook_id}")
  @Operation(operationId = "getWebhook", summary = "One webhook endpoint")
  @APIResponse(responseCode = "200", description = "OK")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public WebhookView get(@PathParam("webhook_id") String webhookId) {
    return webhooks.get(caller.organizationId(), webhookId);
  }

  @PATCH
  @Path("/{webhook_id}")
  @Operation(
      operationId = "updateWebhook",
      summary = "Change a webhook endpoint",
      description =
          "Fields left out stay as they are; event_types null subscribes to every type. enabled"
              + " false stops deliveries (pending ones fail); true enables it again.")
  @RequestBody(
      content =
          @Content(examples = @ExampleObject(name = "enable again", value = "{\"enabled\":true}")))
  @APIResponse(responseCode = "200", description = "The endpoint")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed, webhook_url_refused",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public WebhookView update(
      @PathParam("webhook_id") String webhookId, @NotNull @Valid WebhookChange body) {
    return webhooks.update(caller.organizationId(), webhookId, body);
  }

  @DELETE
  @Path("/{webhook_id}")
  @Operation(
      operationId = "deleteWebhook",
      summary = "Delete a webhook endpoint",
      description = "With its deliveries; nothing more is sent to it.")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public void delete(@PathParam("webhook_id") String webhookId) {
    webhooks.delete(caller.organizationId(), webhookId);
  }

  @POST
  @Path("/{webhook_id}/rotate-secret")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "rotateWebhookSecret",
      summary = "Replace the signing secret",
      description =
          "The answer's secret signs every POST from now on, retries of earlier events included;"
              + " the old one stops at once. Takes no body.")
  @APIResponse(
      responseCode = "200",
      description = "The endpoint with its new secret",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = WebhookView.class)))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response rotateSecret(@PathParam("webhook_id") String webhookId) {
    return Response.ok(webhooks.rotateSecret(caller.organizationId(), webhookId))
        .header("Cache-Control", "no-store")
        .build();
  }

  @POST
  @Path("/{webhook_id}/test")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "testWebhook",
      summary = "Send a test event",
      description =
          "Queues a webhook.test event for this endpoint alone; its delivery shows in the"
              + " deliveries like any other. Takes no body.")
  @APIResponse(
      responseCode = "202",
      description = "The queued delivery",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DeliveryView.class)))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "webhook_disabled",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response test(@PathParam("webhook_id") String webhookId) {
    return Response.accepted(webhooks.test(caller.organizationId(), webhookId)).build();
  }

  @GET
  @Path("/{webhook_id}/deliveries")
  @Operation(
      operationId = "listWebhookDeliveries",
      summary = "List an endpoint's deliveries",
      description = "Newest first, cursor paged, each with its attempts.")
  @APIResponse(responseCode = "200", description = "One page")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed, invalid_cursor",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public DeliveryPage deliveries(
      @PathParam("webhook_id") String webhookId,
      @QueryParam("status") @Schema(enumeration = {"pending", "delivered", "failed"}) String status,
      @QueryParam("limit") @Schema(description = "1–1000", defaultValue = "100") String limit,
      @QueryParam("cursor") String cursor) {
    Optional<String> wanted = deliveryStatus(status);
    return webhooks.deliveries(
        caller.organizationId(),
        webhookId,
        wanted,
        QueryParams.intParam("limit", limit, 100, 1, 1000),
        Optional.ofNullable(cursor).filter(c -> !c.isEmpty()));
  }

  /** The status filter of a deliveries listing: empty for none, else a delivery state. */
  static Optional<String> deliveryStatus(String status) {
    Optional<String> wanted = Optional.ofNullable(status).filter(s -> !s.isEmpty());
    if (wanted.isPresent() && !DELIVERY_STATES.contains(wanted.get())) {
      throw ApiException.validation("status", "must be one of pending, delivered, failed");
    }
    return wanted;
  }

  @POST
  @Path("/{webhook_id}/deliveries/{event_id}/redeliver")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "redeliverWebhookDelivery",
      summary = "Send a delivery again",
      description =
          "Delivered or failed, the event is sent again at once (same webhook-id), retried on the"
              + " usual schedule. Takes no body.")
  @APIResponse(
      responseCode = "202",
      description = "The delivery, pending again",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DeliveryView.class)))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "webhook_disabled",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response redeliver(
      @PathParam("webhook_id") String webhookId, @PathParam("event_id") String eventId) {
    return Response.accepted(webhooks.redeliver(caller.organizationId(), webhookId, eventId))
        .build();
  }
}
