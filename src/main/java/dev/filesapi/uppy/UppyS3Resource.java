package dev.filesapi.uppy;

import dev.filesapi.file.RegisteredFile;
import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.Problem;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.tenancy.Caller;
import dev.filesapi.tenancy.UploadTokenAccepted;
import dev.filesapi.upload.PartListing;
import dev.filesapi.upload.UnplannedCompletion;
import dev.filesapi.upload.Upload;
import dev.filesapi.upload.UploadCompletion;
import dev.filesapi.upload.UploadConfig;
import dev.filesapi.upload.UploadInitiation;
import dev.filesapi.upload.UploadService;
import dev.filesapi.upload.UploadView;
import dev.filesapi.uppy.UppyShapes.CompleteMultipart;
import dev.filesapi.uppy.UppyShapes.CompletedMultipart;
import dev.filesapi.uppy.UppyShapes.CompletedPart;
import dev.filesapi.uppy.UppyShapes.CreateMultipart;
import dev.filesapi.uppy.UppyShapes.CreatedMultipart;
import dev.filesapi.uppy.UppyShapes.ListedPart;
import dev.filesapi.uppy.UppyShapes.SignedPart;
import dev.filesapi.uppy.UppyShapes.SignedParts;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Uppy Companion's S3 routes, as {@code @uppy/aws-s3} calls them, over this service's uploads: the
 * shapes and 1-based part numbers are Companion's; every call is an ordinary upload step of {@link
 * UploadInitiation}, {@link UploadService} and {@link UnplannedCompletion} (same tenancy, quotas,
 * hooks, events and janitor). {@code uploadId} is the upload's id and {@code key} the id its file
 * will have; another organization's, or a key that is not the upload's, is 404.
 */
@Path("/uppy/s3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@UploadTokenAccepted
@Tag(
    name = "Uppy",
    description =
        "Uppy Companion's S3 routes for @uppy/aws-s3 (companionEndpoint /v1/uppy/t/<upload token>,"
            + " or /v1/uppy with an Authorization header). Give the plugin shouldUseMultipart:"
            + " true: GET /v1/uppy/s3/params (its single-request path) answers 400"
            + " single_request_unsupported, since no call would register such a file.")
@SecurityRequirement(name = "api_key")
@APIResponse(
    responseCode = "401",
    description = "Missing or unknown API key or upload token",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class UppyS3Resource {
  /**
   * What a part of an upload the store has assembled is listed with: its multipart upload is gone,
   * so @uppy/aws-s3, which lists the parts before completing again after a complete whose answer it
   * lost, finds every part and completes (a complete of an assembled upload answers its file).
   */
  static final String ASSEMBLED_ETAG = "assembled";

  private final UploadInitiation initiation;
  private final UploadService uploads;

  /** Waits of files.upload.complete-wait each (5 minutes at the default 30 s). */
  private static final int COMPLETE_ROUNDS = 10;

  private final UnplannedCompletion completion;
  private final UploadConfig config;
  private final Caller caller;

  /** The store's part count: Companion's part numbers are 1 … maxParts. */
  private final int maxParts;

  private final boolean partTokens;

  UppyS3Resource(
      UploadInitiation initiation,
      UploadService uploads,
      UnplannedCompletion completion,
      UploadConfig config,
      Caller caller,
      StorageBackend storage) {
    this.initiation = initiation;
    this.uploads = uploads;
    this.completion = completion;
    this.config = config;
    this.caller = caller;
    this.maxParts = storage.capabilities().maxParts();
    this.partTokens = storage.capabilities().partTokens();
  }

  @POST
  @Path("/multipart")
  @Operation(
      operationId = "uppyCreateMultipartUpload",
      summary = "Companion: create a multipart upload",
      description =
          "Starts an upload whose size is learned at complete (the client chooses its parts);"
              + " the organization's max_in_progress_uploads and pre-initiate hook apply now,"
              + " max_file_bytes at complete. metadata is accepted and not stored.")
  @APIResponse(responseCode = "200", description = "{uploadId, key}")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: filename or type missing or invalid",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "403",
      description = "rejected_by_hook",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "429",
      description = "too_many_uploads",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "501",
      description =
          "not_supported_by_store: the store answers part PUTs without an ETag (Azure Blob),"
              + " which @uppy/aws-s3 needs",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "storage_unavailable",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public CreatedMultipart create(CreateMultipart body) {
    if (!partTokens) {
      // @uppy/aws-s3 6 fails every part PUT answered without an ETag ("Missing ETag in uploadPart
      // response headers"), and sends no header but the URL's, so Put Blob (which answers one but
      // needs x-ms-blob-type) is out of reach too: refuse up front, saying what works.
      throw ApiException.of(
          501,
          "not_supported_by_store",
          "@uppy/aws-s3 reads each part's ETag from the store's answer, and this service's store"
              + " (Azure Blob) answers part PUTs without one: upload through /v1/files/uploads,"
              + " the uploader page or the files CLI");
    }
    if (body == null) {
      throw ApiException.validation("filename", "is required");
    }
    if (body.filename() == null || body.filename().isEmpty()) {
      throw ApiException.validation("filename", "is required and must be a non-empty string");
    }
    Upload upload =
        initiation.initiateUnplanned(caller.organizationId(), body.filename(), body.type(), "type");
    return new CreatedMultipart(upload.id, upload.fileUid);
  }

  @GET
  @Path("/multipart/{uploadId}/batch")
  @Operation(
      operationId = "uppySignParts",
      summary = "Companion: presign a batch of parts",
      description = "partNumbers: comma-separated 1-based part numbers (1 … 10000)")
  @APIResponse(responseCode = "200", description = "{presignedUrls: {partNumber: url}}")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: key or partNumbers missing or out of range",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found: no such upload in this organization, or key is not its key",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_not_in_progress",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public SignedParts signBatch(
      @PathParam("uploadId") String uploadId,
      @QueryParam("key") String key,
      @QueryParam("partNumbers") String partNumbers) {
    requireKey(key);
    if (partNumbers == null || partNumbers.isEmpty()) {
      throw ApiException.validation(
          "partNumbers", "is required: comma-separated part numbers, for example 4,6,7,21");
    }
    String[] given = partNumbers.split(",", -1);
    if (given.length > maxParts) {
      throw ApiException.validation("partNumbers", "must name at most " + maxParts + " parts");
    }
    List<Integer> numbers = new ArrayList<>(given.length);
    for (String number : given) {
      numbers.add(partNumber("partNumbers", number) - 1);
    }
    Map<Integer, PresignedUrl> urls =
        uploads.clientPartUrls(caller.organizationId(), uploadId, key, numbers);
    Map<String, String> presigned = new LinkedHashMap<>();
    for (int i = 0; i < given.length; i++) {
      presigned.put(given[i], urls.get(numbers.get(i)).url());
    }
    return new SignedParts(presigned);
  }

  @GET
  @Path("/multipart/{uploadId}/{partNumber}")
  @Operation(operationId = "uppySignPart", summary = "Companion: presign one part (1-based)")
  @APIResponse(responseCode = "200", description = "{url, expires}")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: key missing or the part number out of range",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_not_in_progress",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public SignedPart signPart(
      @PathParam("uploadId") String uploadId,
      @Parameter(description = "1 … 10000") @PathParam("partNumber") String partNumber,
      @QueryParam("key") String key) {
    requireKey(key);
    int number = partNumber("partNumber", partNumber) - 1;
    PresignedUrl url =
        uploads.clientPartUrls(caller.organizationId(), uploadId, key, List.of(number)).get(number);
    return new SignedPart(url.url(), config.urlTtl().toSeconds());
  }

  @GET
  @Path("/multipart/{uploadId}")
  @Operation(
      operationId = "uppyListParts",
      summary = "Companion: the parts the store holds",
      description =
          "What the store lists for the upload, 1-based, ascending. Once the store has assembled"
              + " the object (the upload completed, or completing after the store finished), every"
              + " part is listed with the ETag \"assembled\" and no Size, so a client that lost its"
              + " complete's answer and lists the parts before completing again (@uppy/aws-s3 does)"
              + " completes and gets the file")
  @APIResponse(
      responseCode = "200",
      description = "[{PartNumber, Size, ETag}]",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema =
                  @Schema(
                      type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY,
                      implementation = ListedPart.class)))
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: key missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_not_in_progress (aborted, expired or failed)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public List<ListedPart> listParts(
      @PathParam("uploadId") String uploadId, @QueryParam("key") String key) {
    requireKey(key);
    PartListing stored = uploads.storedParts(caller.organizationId(), uploadId, key);
    List<ListedPart> listed = new ArrayList<>();
    for (StoredPart part : stored.parts()) {
      listed.add(new ListedPart(part.partNumber() + 1, part.size(), part.token()));
    }
    for (int n = 1; n <= stored.assembledParts(); n++) {
      listed.add(new ListedPart(n, null, ASSEMBLED_ETAG));
    }
    return listed;
  }

  @POST
  @Path("/multipart/{uploadId}/complete")
  @Operation(
      operationId = "uppyCompleteMultipartUpload",
      summary = "Companion: complete",
      description =
          "The parts must be 1 … n. The size is the sum of the store's sizes of these parts;"
              + " over the organization's max_file_bytes, the upload is aborted (413). Then it is"
              + " the ordinary complete: pre-complete hook, registration, upload.completed. A"
              + " repeated complete answers the same file.")
  @APIResponse(responseCode = "200", description = "{location, key, file_id, num_bytes}")
  @APIResponse(
      responseCode = "400",
      description =
          "validation_failed: key or parts missing, parts not 1 … n; invalid_part: the store does"
              + " not hold a part with that ETag",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_not_in_progress, upload_completing, upload_failed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "413",
      description = "file_too_large: the parts exceed max_file_bytes; the upload is aborted",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "rejected_by_hook",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description = "storage_rejected",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "storage_unavailable, complete_busy, complete_pending (the store still assembles after"
              + " ten waits of files.upload.complete-wait; send the complete again)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public CompletedMultipart complete(
      @PathParam("uploadId") String uploadId,
      @QueryParam("key") String key,
      CompleteMultipart body,
      @Context UriInfo uri) {
    requireKey(key);
    if (body == null || body.parts() == null) {
      throw ApiException.validation("parts", "must be an array of {ETag, PartNumber} objects");
    }
    if (body.parts().size() > maxParts) {
      throw ApiException.validation("parts", "must hold at most " + maxParts + " parts");
    }
    TreeMap<Integer, String> tokens = new TreeMap<>();
    for (int i = 0; i < body.parts().size(); i++) {
      CompletedPart part = body.parts().get(i);
      if (part == null
          || part.partNumber() == null
          || part.partNumber() < 1
          || part.partNumber() > maxParts
          || part.eTag() == null
          || part.eTag().isEmpty()) {
        throw ApiException.validation(
            "parts[" + i + "]", "must be {PartNumber: 1 … " + maxParts + ", ETag: \"…\"}");
      }
      tokens.put(part.partNumber() - 1, part.eTag());
    }
    String organizationId = caller.organizationId();
    requireUploadKey(organizationId, uploadId, key);
    // Companion's numbering: the core checks the same of its zero-based parts.
    if (tokens.isEmpty()) {
      throw ApiException.validation("parts", "must name at least one part");
    }
    if (tokens.lastKey() != tokens.size() - 1) {
      throw ApiException.validation(
          "parts", "must be the parts 1 to n without gaps (" + tokens.size() + " parts given)");
    }
    RegisteredFile file = completeWaiting(organizationId, uploadId, tokens);
    String location =
        uri.getBaseUriBuilder().path("files/download/{id}").build(file.fileId()).toString();
    return new CompletedMultipart(location, file.fileUid(), file.fileId(), file.numBytes());
  }

  /**
   * {@code @uppy/aws-s3} treats any answer but a 2xx with {@code location} as a failed upload, so
   * where the ordinary complete would answer {@code 202} (the store still assembling) this route
   * joins the work again, up to {@link #COMPLETE_ROUNDS} waits of {@code
   * files.upload.complete-wait}; past them it is {@code 503 complete_pending} and the same complete
   * sent again converges.
   */
  private RegisteredFile completeWaiting(
      String organizationId, String uploadId, TreeMap<Integer, String> tokens) {
    for (int round = 0; round < COMPLETE_ROUNDS; round++) {
      UploadCompletion.CompleteAnswer answer =
          completion.complete(organizationId, uploadId, tokens);
      if (answer.file() != null) {
        return answer.file();
      }
    }
    throw ApiException.withHeaders(
        503,
        "complete_pending",
        "The store is still assembling the file; send the same complete again",
        Map.of("Retry-After", "1"));
  }

  @DELETE
  @Path("/multipart/{uploadId}")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "uppyAbortMultipartUpload",
      summary = "Companion: abort",
      description = "Aborts the upload (store and service); again is 200")
  @APIResponse(responseCode = "200", description = "{}")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: key missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "upload_completed: delete the file instead; upload_completing: retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Map<String, Object> abort(
      @PathParam("uploadId") String uploadId, @QueryParam("key") String key) {
    requireKey(key);
    String organizationId = caller.organizationId();
    requireUploadKey(organizationId, uploadId, key);
    uploads.abort(organizationId, uploadId);
    return Map.of();
  }

  /**
   * Left out of the OpenAPI document: it has no successful answer (docs/clients.md's Uppy section
   * and the tag's description say why), and a document operation must have one.
   */
  @GET
  @Path("/params")
  @Operation(hidden = true)
  public void params() {
    throw ApiException.of(
        400,
        "single_request_unsupported",
        "Every file is uploaded multipart here, so that it is registered: give @uppy/aws-s3 the"
            + " option shouldUseMultipart: true");
  }

  private void requireUploadKey(String organizationId, String uploadId, String key) {
    UploadView upload = uploads.get(organizationId, uploadId);
    if (!upload.fileUid().equals(key)) {
      throw ApiException.notFound("Upload", uploadId);
    }
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw ApiException.validation(
          "key", "is required: the key that creating the upload returned, as ?key=");
    }
  }

  private int partNumber(String field, String given) {
    try {
      int number = Integer.parseInt(given.trim());
      if (number >= 1 && number <= maxParts) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.validation(field, "must be part numbers between 1 and " + maxParts);
  }
}
