package dev.filesapi.upload;

import dev.filesapi.file.RegisteredFile;
import dev.filesapi.http.QueryParams;
import dev.filesapi.openapi.EmptyAnswers;
import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.Problem;
import dev.filesapi.tenancy.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The upload endpoints: thin mapping onto {@link UploadInitiation}, {@link UploadService} and
 * {@link UploadCompletion}.
 */
@Path("/files/uploads")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Uploads", description = "Multipart uploads through presigned part URLs")
@SecurityRequirement(name = "api_key")
@APIResponse(
    responseCode = "401",
    description = "Missing or unknown API key",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class UploadResource {
  /** A 202's Retry-After: the work is checked again as soon as the complete is repeated. */
  private static final int COMPLETE_RETRY_AFTER_SECONDS = 1;

  private final UploadInitiation initiation;
  private final UploadService uploads;
  private final UploadCompletion completion;
  private final Caller caller;

  UploadResource(
      UploadInitiation initiation,
      UploadService uploads,
      UploadCompletion completion,
      Caller caller) {
    this.initiation = initiation;
    this.uploads = uploads;
    this.completion = completion;
    this.caller = caller;
  }

  @POST
  @Path("/initiate")
  @Operation(
      operationId = "initiateUpload",
      summary = "Start an upload",
      description =
          "Plans the parts (default 8 MiB, grown in whole MiB to stay within 10,000 parts), starts"
              + " a multipart upload in the store and returns a presigned PUT URL per part. PUT each"
              + " part's bytes to its url; the ETag response header is its part_token. With"
              + " resume_if_started, the newest in-progress upload of the filename is reused and only"
              + " its parts not yet checkpointed are returned.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "17 MiB file",
                      value =
                          "{\"filename\":\"scan-42.tiff\",\"file_type\":\"image/tiff\",\"num_bytes\":17825795,\"resume_if_started\":true}")))
  @APIResponse(responseCode = "200", description = "The upload and its presigned parts")
  @APIResponse(
      responseCode = "413",
      description =
          "file_too_large: num_bytes is over the organization's max_file_bytes;"
              + " payload_too_large: a JSON body over files.http.max-json-body-size",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "429",
      description =
          "too_many_uploads: the organization has max_in_progress_uploads uploads in progress;"
              + " Retry-After is set",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "403",
      description = "rejected_by_hook: the operator's pre-initiate hook refused the upload",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "400",
      description = "validation_failed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description =
          "upload_mismatch: the in-progress upload of this filename has another file_type or num_bytes",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description = "storage_rejected: the store refused the call; nothing was created",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "storage_unavailable",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public InitiateResponse initiate(@NotNull @Valid InitiateRequest body) {
    return initiation.initiate(caller.organizationId(), body);
  }

  @POST
  @Path("/{upload_id}/parts/urls")
  @Operation(
      operationId = "generatePartUrls",
      summary = "Fresh URLs for parts",
      description =
          "Answers in the same length and order as part_numbers; a number given twice gets the same"
              + " URL twice. Use it when URLs are about to expire.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(name = "three parts", value = "{\"part_numbers\":[42,43,44]}")))
  @APIResponse(responseCode = "200", description = "Presigned descriptors")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: a number out of range",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_not_in_progress",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public PartUrlsResponse partUrls(
      @PathParam("upload_id") String uploadId, @NotNull @Valid PartUrlsRequest body) {
    return uploads.partUrls(caller.organizationId(), uploadId, body.partNumbers());
  }

  @POST
  @Path("/{upload_id}/parts/checkpoint")
  @Operation(
      operationId = "checkpointParts",
      summary = "Record finished parts",
      description =
          "Stores each part's token so a resumed upload skips it and complete need not repeat it."
              + " Idempotent; a part checkpointed again takes the new token. A part named twice in"
              + " one request must carry the same token both times: two different tokens are 400"
              + " validation_failed naming the later entry, and nothing is stored.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "two parts",
                      value =
                          "{\"parts\":[{\"part_number\":0,\"part_token\":\"\\\"e1b3a4cd87f3c0b1a2d4e5f60718293a\\\"\"},{\"part_number\":1,\"part_token\":\"\\\"0f9e8d7c6b5a49382716a5b4c3d2e1f0\\\"\"}]}")))
  @APIResponse(responseCode = "200", description = "How many parts were stored")
  @APIResponse(
      responseCode = "400",
      description =
          "validation_failed: a part number out of range, a token empty, too long or with control"
              + " characters, or one part given twice with different tokens",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_not_in_progress",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public CheckpointResponse checkpoint(
      @PathParam("upload_id") String uploadId, @NotNull @Valid CheckpointRequest body) {
    return uploads.checkpoint(caller.organizationId(), uploadId, body.parts());
  }

  @POST
  @Path("/{upload_id}/complete")
  @Operation(
      operationId = "completeUpload",
      summary = "Complete an upload",
      description =
          "Assembles the file from the checkpointed tokens and those in parts (which win). Completing"
              + " a completed upload returns the same file. The store assembles the object in the"
              + " background: when that outlasts files.upload.complete-wait the answer is 202 with"
              + " Retry-After and the upload (status completing); send the same complete again"
              + " (it joins the running work) until 200. A complete repeated after a timeout, a"
              + " crash or a lost connection converges on the file.")
  @RequestBody(
      content =
          @Content(
              examples = @ExampleObject(name = "all parts checkpointed", value = "{\"parts\":[]}")))
  @APIResponse(
      responseCode = "200",
      description = "The registered file",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = RegisteredFile.class)))
  @APIResponse(
      responseCode = "202",
      description =
          "The store is still assembling the object: the upload (status completing), with"
              + " Retry-After. Send the same complete again to get the file",
      headers =
          @Header(
              name = "Retry-After",
              description = "Seconds to wait before sending the complete again",
              schema = @Schema(type = SchemaType.INTEGER)),
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = UploadView.class)))
  @APIResponse(
      responseCode = "422",
      description =
          "checksum_mismatch: the assembled object's CRC32C differs from integrity_checksum;"
              + " rejected_by_hook: the operator's pre-complete hook refused the file. Either way"
              + " the object is deleted and the upload is failed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "400",
      description =
          "missing_parts, invalid_part (the problem's parts names them; the upload stays in progress), checksum_not_supported, validation_failed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description =
          "upload_not_in_progress (aborted, expired or failed), upload_failed (the store lost the"
              + " upload and holds no object)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description = "storage_rejected: the store refused the call; the upload stays completable",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "storage_unavailable (the store answers nothing, within about 10 s), complete_busy (this"
              + " replica runs as many completes as it can); the upload stays completable",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response complete(
      @PathParam("upload_id") String uploadId, @NotNull @Valid CompleteRequest body) {
    UploadCompletion.CompleteAnswer answer =
        completion.complete(caller.organizationId(), uploadId, body);
    if (answer.file() != null) {
      return Response.ok(answer.file(), MediaType.APPLICATION_JSON_TYPE).build();
    }
    return Response.accepted(answer.pending())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("Retry-After", COMPLETE_RETRY_AFTER_SECONDS)
        .build();
  }

  @POST
  @Path("/{upload_id}/abort")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "abortUpload",
      summary = "Abort an upload",
      description =
          "Aborts the multipart upload in the store and discards the checkpoints. Takes no body (or"
              + " {}). Aborting again is 200.")
  @APIResponse(
      responseCode = "200",
      description = "Aborted; no body",
      extensions = @Extension(name = EmptyAnswers.EMPTY, value = "true"))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_completed, upload_completing, upload_not_in_progress (failed)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description = "storage_rejected: the store refused the call; abort again once it is fixed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "storage_unavailable; abort again to finish",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response abort(@PathParam("upload_id") String uploadId) {
    uploads.abort(caller.organizationId(), uploadId);
    // The contract's answer is 200 with an empty body; a void method would answer 204.
    return Response.ok().build();
  }

  @GET
  @Path("/{upload_id}")
  @Operation(
      operationId = "getUpload",
      summary = "One upload",
      description = "The initiate fields without URLs, its status and checkpointed parts.")
  @APIResponse(responseCode = "200", description = "The upload")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public UploadView get(@PathParam("upload_id") String uploadId) {
    return uploads.get(caller.organizationId(), uploadId);
  }

  @GET
  @Operation(
      operationId = "listUploads",
      summary = "List uploads",
      description = "Newest first, cursor paged.")
  @APIResponse(responseCode = "200", description = "One page")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed, invalid_cursor",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public UploadPage list(
      @QueryParam("status")
          @Schema(
              enumeration = {
                "in_progress",
                "completing",
                "completed",
                "aborted",
                "expired",
                "failed"
              })
          String status,
      @QueryParam("limit")
          @Schema(
              type = SchemaType.INTEGER,
              format = "int32",
              minimum = "1",
              maximum = "1000",
              defaultValue = "100")
          String limit,
      @QueryParam("cursor") String cursor) {
    Optional<UploadStatus> wanted =
        status == null || status.isEmpty()
            ? Optional.empty()
            : Optional.of(
                UploadStatus.fromWireName(status)
                    .orElseThrow(
                        () ->
                            ApiException.validation(
                                "status", "must be one of " + UploadStatus.wireNames())));
    return uploads.list(
        caller.organizationId(),
        wanted,
        QueryParams.intParam("limit", limit, 100, 1, 1000),
        Optional.ofNullable(cursor).filter(c -> !c.isEmpty()));
  }
}
