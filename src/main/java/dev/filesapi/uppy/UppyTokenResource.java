package dev.filesapi.uppy;

import dev.filesapi.problem.Problem;
import dev.filesapi.tenancy.Caller;
import dev.filesapi.tenancy.UploadTokens;
import dev.filesapi.uppy.UppyShapes.UploadToken;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Mints upload tokens (ours) for browsers running {@code @uppy/aws-s3} 6, whose requests carry no
 * header: an application's back end calls this with its API key and hands the browser the {@code
 * companionEndpoint}. Not reachable with a token itself, so a token cannot outlive its lifetime.
 */
@Path("/uppy/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Uppy")
@SecurityRequirement(name = "api_key")
public class UppyTokenResource {
  private final UploadTokens tokens;
  private final UppyConfig config;
  private final Caller caller;

  UppyTokenResource(UploadTokens tokens, UppyConfig config, Caller caller) {
    this.tokens = tokens;
    this.config = config;
    this.caller = caller;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "createUppyToken",
      summary = "An upload token for @uppy/aws-s3's companionEndpoint",
      description =
          "A token valid for files.uppy.token-ttl (default 12 h) that the /v1/uppy/s3 routes accept"
              + " in the path (/v1/uppy/t/<token>/s3/…) in place of the API key; revoking the key"
              + " revokes its tokens.")
  @APIResponse(responseCode = "200", description = "{token, companion_endpoint, expires_at}")
  @APIResponse(
      responseCode = "401",
      description = "Missing or unknown API key",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public UploadToken mint(@Context UriInfo uri) {
    UploadTokens.Minted minted =
        tokens.mint(caller.keyIdIfKnown().orElseThrow(), config.tokenTtl());
    String endpoint =
        uri.getBaseUriBuilder().path("uppy/t").path(minted.token()).build().toString();
    return new UploadToken(minted.token(), endpoint, minted.expiresAt());
  }
}
