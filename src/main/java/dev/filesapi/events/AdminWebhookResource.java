package dev.filesapi.events;

import dev.filesapi.http.QueryParams;
import dev.filesapi.problem.Problem;
import dev.filesapi.tenancy.admin.AdminApi;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators manage any organization's webhook endpoints with the admin token: the same operations
 * and rules as {@link WebhookResource}, the organization named in the path.
 */
@AdminApi
@Path("/admin/organizations/{organization_id}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Admin", description = "Organizations, quotas and API keys (admin token)")
@SecurityRequirement(name = "admin_token")
@APIResponse(
    responseCode = "401",
    description = "Missing or wrong admin token",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
    responseCode = "404",
    description = "not_found: no such organization, webhook or delivery",
    content = @Content(mediaType = Problem.MEDIA_TYPE))
public class AdminWebhookResource {
  private final Webhooks webhooks;

  AdminWebhookResource(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  @POST
  @Operation(
      operationId = "adminCreateWebhook",
      summary = "Add a webhook endpoint to an organization",
      description = "As POST /webhooks; the answer's secret is shown only here.")
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
  public Response create(
      @PathParam("organization_id") String organizationId,
      @NotNull @Valid WebhookRequest body,
      @Context UriInfo uri) {
    webhooks.requireOrganization(organizationId);
    WebhookView created = webhooks.create(organizationId, body);
    return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build())
        .entity(created)
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Operation(operationId = "adminListWebhooks", summary = "An organization's webhook endpoints")
  @APIResponse(responseCode = "200", description = "OK")
  public WebhookList list(@PathParam("organization_id") String organizationId) {
    webhooks.requireOrganization(organizationId);
    return webhooks.list(organizationId);
  }

  @GET
  @Path("/{webhook_id}")
  @Operation(operationId = "adminGetWebhook", summary = "One webhook endpoint of an organization")
  @APIResponse(responseCode = "200", description = "OK")
  public WebhookView get(
      @PathParam("organization_id") String organizationId,
      @PathParam("webhook_id") String webhookId) {
    return webhooks.get(organizationId, webhookId);
  }

  @PATCH
  @Path("/{webhook_id}")
  @Operation(
      operationId = "adminUpdateWebhook",
      summary = "Change an organization's webhook endpoint",
      description = "As PATCH /webhooks/{webhook_id}.")
  @APIResponse(responseCode = "200", description = "OK")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed, webhook_url_refused",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public WebhookView update(
      @PathParam("organization_id") String organizationId,
      @PathParam("webhook_id") String webhookId,
      @NotNull @Valid WebhookChange body) {
    return webhooks.update(organizationId, webhookId, body);
  }

  @DELETE
  @Path("/{webhook_id}")
  @Operation(
      operationId = "adminDeleteWebhook",
      summary = "Delete an organization's webhook endpoint")
  @APIResponse(responseCode = "204", description = "Deleted")
  public void delete(
      @PathParam("organization_id") String organizationId,
      @PathParam("webhook_id") String webhookId) {
    webhooks.delete(organizationId, webhookId);
  }

  @POST
  @Path("/{webhook_id}/rotate-secret")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "adminRotateWebhookSecret",
      summary = "Replace an organization's webhook signing secret")
  @APIResponse(
      responseCode = "200",
      description = "The endpoint with its new secret",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = WebhookView.class)))
  public Response rotateSecret(
      @PathParam("organization_id") String organizationId,
      @PathParam("webhook_id") String webhookId) {
    return Response.ok(webhooks.rotateSecret(organizationId, webhookId))
        .header("Cache-Control", "no-store")
        .build();
  }

  @POST
  @Path("/{webhook_id}/test")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "adminTestWebhook",
      summary = "Send a test event to an organization's endpoint")
  @APIResponse(
      responseCode = "202",
      description = "The queued delivery",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DeliveryView.class)))
  @APIResponse(
      responseCode = "409",
      description = "webhook_disabled",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response test(
      @PathParam("organization_id") String organizationId,
      @PathParam("webhook_id") String webhookId) {
    return Response.accepted(webhooks.test(organizationId, webhookId)).build();
  }

  @GET
  @Path("/{webhook_id}/deliveries")
  @Operation(
      operationId = "adminListWebhookDeliveries",
      summary = "An organization's webhook deliveries",
      description = "As GET /webhooks/{webhook_id}/deliveries.")
  @APIResponse(responseCode = "200", description = "OK")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed, invalid_cursor",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public DeliveryPage deliveries(
      @PathParam("organization_id") String organizationId,
      @PathParam("webhook_id") String webhookId,
      @QueryParam("status") @Schema(enumeration = {"pending", "delivered", "failed"}) String status,
      @QueryParam("limit") @Schema(description = "1–1000", defaultValue = "100") String limit,
      @QueryParam("cursor") String cursor) {
    Optional<String> wanted = WebhookResource.deliveryStatus(status);
    return webhooks.deliveries(
        organizationId,
        webhookId,
        wanted,
        QueryParams.intParam("limit", limit, 100, 1, 1000),
        Optional.ofNullable(cursor).filter(c -> !c.isEmpty()));
  }

  @POST
  @Path("/{webhook_id}/deliveries/{event_id}/redeliver")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "adminRedeliverWebhookDelivery",
      summary = "Send an organization's delivery again")
  @APIResponse(
      responseCode = "202",
      description = "The delivery, pending again",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DeliveryView.class)))
  @APIResponse(
      responseCode = "409",
      description = "webhook_disabled",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response redeliver(
      @PathParam("organization_id") String organizationId,
      @PathParam("webhook_id") String webhookId,
      @PathParam("event_id") String eventId) {
    return Response.accepted(webhooks.redeliver(organizationId, webhookId, eventId)).build();
  }
}
