package dev.filesapi.tenancy.admin;

import dev.filesapi.problem.Problem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The operators' API: organizations, quotas and API keys. Enabled only when {@code
 * files.admin.token} is set; every call carries {@code Authorization: Bearer <admin token>}.
 */
@AdminApi
@Path("/admin/organizations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Admin", description = "Organizations, quotas and API keys (admin token)")
@SecurityScheme(
    securitySchemeName = "admin_token",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "The operators' token: `Authorization: Bearer $FILES_ADMIN_TOKEN`")
@SecurityRequirement(name = "admin_token")
@APIResponse(
    responseCode = "401",
    description = "Missing or wrong admin token",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
    responseCode = "404",
    description = "not_found: the admin API is off (no files.admin.token), or no such organization",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class AdminResource {
  private final OrganizationAdmin admin;

  AdminResource(OrganizationAdmin admin) {
    this.admin = admin;
  }

  @POST
  @Operation(
      operationId = "createOrganization",
      summary = "Create an organization",
      description = "Quotas left out use the defaults.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "with quotas",
                      value =
                          "{\"name\":\"Acme Imaging\",\"max_in_progress_uploads\":100,\"max_file_bytes\":10000000000}")))
  @APIResponse(
      responseCode = "201",
      description = "Created; Location names it",
      content = @Content(schema = @Schema(implementation = OrganizationView.class)))
  @APIResponse(
      responseCode = "400",
      description = "validation_failed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response create(
      @NotNull @Valid OrganizationRequest body, @jakarta.ws.rs.core.Context UriInfo uri) {
    OrganizationView created = admin.create(body);
    return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build())
        .entity(created)
        .build();
  }

  @GET
  @Operation(
      operationId = "listOrganizations",
      summary = "List organizations",
      description = "Oldest first.")
  @APIResponse(responseCode = "200", description = "Every organization")
  public List<OrganizationView> list() {
    return admin.list();
  }

  @GET
  @Path("/{organization_id}")
  @Operation(operationId = "getOrganization", summary = "One organization")
  @APIResponse(responseCode = "200", description = "The organization and its quotas in force")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public OrganizationView get(@PathParam("organization_id") String organizationId) {
    return admin.get(organizationId);
  }

  @PUT
  @Path("/{organization_id}/quotas")
  @Operation(
      operationId = "setOrganizationQuotas",
      summary = "Set an organization's quotas",
      description = "A null or missing value restores the deployment default.")
  @APIResponse(responseCode = "200", description = "The organization with its new quotas")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public OrganizationView setQuotas(
      @PathParam("organization_id") String organizationId, @NotNull @Valid QuotasRequest body) {
    return admin.setQuotas(organizationId, body);
  }

  @POST
  @Path("/{organization_id}/api-keys")
  @Operation(
      operationId = "createApiKey",
      summary = "Create an API key",
      description =
          "The answer's `key` is the only time the secret is shown; only its SHA-256 is stored.")
  @RequestBody(
      content = @Content(examples = @ExampleObject(name = "key", value = "{\"name\":\"ingest\"}")))
  @APIResponse(
      responseCode = "201",
      description = "Created; `key` holds the secret",
      content = @Content(schema = @Schema(implementation = ApiKeyView.class)))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response createKey(
      @PathParam("organization_id") String organizationId,
      @NotNull @Valid ApiKeyRequest body,
      @jakarta.ws.rs.core.Context UriInfo uri) {
    ApiKeyView created = admin.createKey(organizationId, body.name());
    return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build())
        .entity(created)
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Path("/{organization_id}/api-keys")
  @Operation(
      operationId = "listApiKeys",
      summary = "List API keys",
      description = "Without secrets; revoked keys included.")
  @APIResponse(
      responseCode = "200",
      description = "The organization's keys",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.ARRAY, implementation = ApiKeyView.class)))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public List<ApiKeyView> keys(@PathParam("organization_id") String organizationId) {
    return admin.keys(organizationId);
  }

  @DELETE
  @Path("/{organization_id}/api-keys/{key_id}")
  @Operation(
      operationId = "revokeApiKey",
      summary = "Revoke an API key",
      description = "The key stops working with the next request. Revoking again is 200.")
  @APIResponse(responseCode = "200", description = "The revoked key, without its secret")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public ApiKeyView revoke(
      @PathParam("organization_id") String organizationId, @PathParam("key_id") String keyId) {
    return admin.revoke(organizationId, keyId);
  }
}
