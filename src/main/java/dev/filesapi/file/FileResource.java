package dev.filesapi.file;

import dev.filesapi.http.LingeringClose;
import dev.filesapi.http.QueryParams;
import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.Problem;
import dev.filesapi.tenancy.Caller;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The file endpoints: thin mapping onto {@link FileService}. */
@Path("/files")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Files", description = "Registered files of the caller's organization")
@SecurityRequirement(name = "api_key")
@APIResponse(
    responseCode = "401",
    description = "Missing or unknown API key",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class FileResource {
  private static final int MAX_ITEMS_PER_SHARD = 1000;
  private static final int COPY_BUFFER = 64 * 1024;

  private final FileService files;
  private final FileListing listing;
  private final Caller caller;

  FileResource(FileService files, FileListing listing, Caller caller) {
    this.files = files;
    this.listing = listing;
    this.caller = caller;
  }

  @GET
  @Path("/metadata")
  @Operation(
      operationId = "listFiles",
      summary = "List files",
      description =
          "All files in a stable order, by file_index (registration order; a replaced file moves"
              + " to the end). -1 in shard_index or max_items_per_shard (the default) returns the"
              + " whole list, written as it is read, however long. Otherwise the list is cut"
              + " into shards of max_items_per_shard (1–1000) records and shard_index (default 0"
              + " then) picks one; a shard past the end is []. Each page that has a next one"
              + " carries a Link header (RFC 8288) to it: <…&cursor=…>; rel=\"next\". A cursor"
              + " page starts after the last file of the page before, so files registered or"
              + " deleted meanwhile move nothing: following the links lists every file that"
              + " existed throughout exactly once. file_index is the file's ordinal, the same as"
              + " in GET /files/metadata/{file_id}.")
  @APIResponse(
      responseCode = "200",
      description = "A JSON array of file records",
      headers =
          @Header(
              name = "Link",
              description =
                  "On a shard or cursor page followed by more files: <URL of the next page>;"
                      + " rel=\"next\"",
              schema = @Schema(type = SchemaType.STRING)),
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.ARRAY, implementation = FileRecord.class)))
  @APIResponse(
      responseCode = "400",
      description = "validation_failed, invalid_cursor",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response list(
      @QueryParam("shard_index")
          @Schema(
              type = SchemaType.INTEGER,
              format = "int32",
              minimum = "-1",
              defaultValue = "-1",
              description =
                  "-1: the whole list; otherwise the shard to return (0 when omitted). Not with"
                      + " cursor")
          String shardIndex,
      @QueryParam("max_items_per_shard")
          @Schema(
              type = SchemaType.INTEGER,
              format = "int32",
              minimum = "-1",
              maximum = "1000",
              defaultValue = "-1",
              description = "-1: the whole list; otherwise 1–1000 (with cursor: 1000 when omitted)")
          String maxItemsPerShard,
      @QueryParam("file_type") String fileType,
      @QueryParam("cursor")
          @Schema(description = "From a Link rel=\"next\": the page after the one it came with")
          String cursor,
      @Context UriInfo uri,
      @Context HttpServerResponse response) {
    Optional<String> type = Optional.ofNullable(fileType).filter(t -> !t.isEmpty());
    if (cursor != null && !cursor.isEmpty()) {
      if (shardIndex != null && !shardIndex.isEmpty()) {
        throw ApiException.validation("shard_index", "must be omitted with a cursor");
      }
      int limit =
          QueryParams.intParam(
              "max_items_per_shard", maxItemsPerShard, MAX_ITEMS_PER_SHARD, 1, MAX_ITEMS_PER_SHARD);
      FileCursor after = FileCursor.decode(cursor);
      return page(listing.after(caller.organizationId(), type, after, limit), limit, uri);
    }
    int maxItems =
        QueryParams.intParam("max_items_per_shard", maxItemsPerShard, -1, -1, MAX_ITEMS_PER_SHARD);
    if (maxItems == 0) {
      throw ApiException.validation(
          "max_items_per_shard", "must be -1 (all) or between 1 and " + MAX_ITEMS_PER_SHARD);
    }
    int shard =
        QueryParams.intParam(
            "shard_index", shardIndex, maxItems == -1 ? -1 : 0, -1, Integer.MAX_VALUE);
    if (maxItems == -1 && shard > 0) {
      throw ApiException.validation(
          "shard_index", "must be -1 or 0 when max_items_per_shard is -1 (the whole list)");
    }
    if (shard == -1 || maxItems == -1) {
      return Response.ok(
              listing.all(caller.organizationId(), type, response::closed),
              MediaType.APPLICATION_JSON_TYPE)
          .build();
    }
    long offset = (long) shard * maxItems;
    return page(listing.shard(caller.organizationId(), type, offset, maxItems), maxItems, uri);
  }

  /** A page's records, with the link to the next page when there is one. */
  private static Response page(FileListing.Page page, int limit, UriInfo uri) {
    Response.ResponseBuilder response = Response.ok(page.records(), MediaType.APPLICATION_JSON);
    page.nextCursor()
        .ifPresent(
            next ->
                response.link(
                    uri.getRequestUriBuilder()
                        .replaceQueryParam("shard_index")
                        .replaceQueryParam("max_items_per_shard", limit)
                        .replaceQueryParam("cursor", next)
                        .build(),
                    "next"));
    return response.build();
  }

  @GET
  @Path("/metadata/{file_id: .+}")
  @Operation(
      operationId = "getFile",
      summary = "One file's record",
      description =
          "file_id is the file's name (URL-encode it). file_index is the one the listing gives"
              + " the file.")
  @APIResponse(responseCode = "200", description = "The file record")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public FileRecord get(@PathParam("file_id") String fileId) {
    return files.get(caller.organizationId(), fileId);
  }

  @GET
  @Path("/info")
  @Operation(
      operationId = "getFilesInfo",
      summary = "Totals",
      description =
          "Number and bytes of the organization's files, kept up to date by every registration,"
              + " replacement and deletion (read in constant time, however many files).")
  @APIResponse(responseCode = "200", description = "The totals")
  public FilesInfo info() {
    return files.info(caller.organizationId());
  }

  @GET
  @Path("/download/{file_id: .+}")
  @Produces(MediaType.WILDCARD)
  @Operation(
      operationId = "downloadFile",
      summary = "Download a file",
      description =
          "By default a 302 to a short-lived presigned GET URL (the bytes come from the store);"
              + " with files.download.mode=stream the service streams them. Content-Disposition"
              + " carries the filename (RFC 6266/5987).")
  @APIResponse(
      responseCode = "200",
      description = "The file's bytes, when the service streams them (files.download.mode=stream)",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_OCTET_STREAM,
              schema = @Schema(type = SchemaType.STRING, format = "binary")))
  @APIResponse(
      responseCode = "302",
      description = "Redirect to a short-lived presigned GET of the object (the default)",
      headers =
          @Header(
              name = HttpHeaders.LOCATION,
              description =
                  "The presigned URL: GET it without the Authorization header (the store refuses"
                      + " a request carrying both)",
              schema = @Schema(type = SchemaType.STRING, format = "uri")))
  @APIResponse(
      responseCode = "400",
      description = "file_not_registered",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description =
          "storage_rejected: the store refused to give the bytes (files.download.mode=stream)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response download(@PathParam("file_id") String fileId) {
    FileService.Download download = files.download(caller.organizationId(), fileId);
    if (download instanceof FileService.Download.Redirect redirect) {
      return Response.status(Response.Status.FOUND)
          .location(redirect.location())
          .header(HttpHeaders.CACHE_CONTROL, "no-store")
          .build();
    }
    FileService.Download.Stream stream = (FileService.Download.Stream) download;
    return Response.ok(stream.content(), stream.fileType())
        .header(HttpHeaders.CONTENT_DISPOSITION, stream.disposition())
        .header(HttpHeaders.CONTENT_LENGTH, stream.numBytes())
        .build();
  }

  @DELETE
  @Path("/delete/{file_id: .+}")
  @Operation(
      operationId = "deleteFile",
      summary = "Delete a file",
      description = "Removes the object and the record.")
  @APIResponse(
      responseCode = "200",
      description = "Deleted",
      content = @Content(schema = @Schema(implementation = DeleteResponse.class)))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description = "storage_rejected: the store refused to delete the object; the file is kept",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public DeleteResponse delete(@PathParam("file_id") String fileId) {
    files.delete(caller.organizationId(), fileId);
    return new DeleteResponse(true, fileId, true);
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      operationId = "uploadFile",
      summary = "Upload a small file in one request",
      description =
          "multipart/form-data with one file part (any field name; `file` is customary), up to"
              + " 512 MB. The part's filename becomes file_id. The file is streamed to the store as"
              + " it arrives (one PUT when small, a multipart upload in the store otherwise), never"
              + " held in memory or written to disk. A body declared (Content-Length) over 512 MB"
              + " and 64 KiB of form is refused before it is read; a file that grows past 512 MB is"
              + " refused as soon as it does; either way the connection is closed.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.MULTIPART_FORM_DATA,
              schema =
                  @Schema(
                      type = SchemaType.OBJECT,
                      requiredProperties = "file",
                      properties =
                          @SchemaProperty(
                              name = "file",
                              type = SchemaType.STRING,
                              format = "binary",
                              description =
                                  "The file; its filename becomes file_id, its Content-Type the file type"))))
  @APIResponse(responseCode = "200", description = "The stored file")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: no file part, or several",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "413",
      description = "invalid_file_size: over 512 MB",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "403",
      description =
          "rejected_by_hook: the operator's pre-initiate hook refused the file; nothing was stored",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description =
          "rejected_by_hook: the operator's pre-complete hook refused the stored file; its object is"
              + " deleted and no file is registered",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "hook_unavailable: an operator's hook could not be asked (nothing is registered);"
              + " database_unavailable or storage_unavailable: a dependency is down or did not"
              + " answer in time. Retry-After is set",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description = "storage_rejected: the store refused the object; nothing was registered",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public SimpleUploadResponse upload(
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @Context RoutingContext http,
      @Schema(hidden = true) InputStream body)
      throws IOException {
    return streamed(
        contentType,
        contentLength,
        http,
        body,
        (declared, form) -> declared - form,
        (part, out) -> {
          byte[] buffer = new byte[COPY_BUFFER];
          InputStream in = part.content();
          int n;
          while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
          }
        });
  }

  @POST
  @Path("/base64")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      operationId = "uploadFileBase64",
      summary = "Upload a small file sent as base64 text",
      description =
          "As POST /files, but the one file part (`file`) holds the file's bytes as base64 text,"
              + " as the source API's clients send it: standard or URL-safe alphabet, padding"
              + " optional, whitespace and line breaks ignored. The text is decoded as it is read"
              + " from the form and streamed to the store as it arrives, never held in memory or"
              + " written to disk; up to 512 MB once decoded, refused as soon as it grows past"
              + " that (a body declared over quarkus.http.limits.max-body-size before it is read).")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.MULTIPART_FORM_DATA,
              schema =
                  @Schema(
                      type = SchemaType.OBJECT,
                      requiredProperties = "file",
                      properties =
                          @SchemaProperty(
                              name = "file",
                              type = SchemaType.STRING,
                              format = "binary",
                              description =
                                  "The file's bytes as base64 text; the part's filename becomes file_id, its Content-Type the file type"))))
  @APIResponse(
      responseCode = "200",
      description = "The stored file",
      content = @Content(schema = @Schema(implementation = SimpleUploadResponse.class)))
  @APIResponse(
      responseCode = "400",
      description = "invalid_base64: the part is not base64 text; validation_failed: no file part",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "413",
      description = "invalid_file_size: over 512 MB once decoded",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "403",
      description =
          "rejected_by_hook: the operator's pre-initiate hook refused the file; nothing was stored",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description =
          "rejected_by_hook: the operator's pre-complete hook refused the stored file; its object is"
              + " deleted and no file is registered",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "hook_unavailable: an operator's hook could not be asked (nothing is registered);"
              + " database_unavailable or storage_unavailable: a dependency is down or did not"
              + " answer in time. Retry-After is set",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "502",
      description = "storage_rejected: the store refused the object; nothing was registered",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public SimpleUploadResponse uploadBase64(
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @Context RoutingContext http,
      @Schema(hidden = true) InputStream body)
      throws IOException {
    return streamed(
        contentType,
        contentLength,
        http,
        body,
        (declared, form) -> (declared - form) / 4 * 3,
        (part, out) -> {
          try {
            Base64Stream.decode(part.content(), out, Long.MAX_VALUE);
          } catch (Base64Stream.InvalidBase64Exception e) {
            throw ApiException.withErrors(
                400,
                "invalid_base64",
                "The file part is not base64 text: " + e.getMessage(),
                List.of(new Problem.FieldError("file", e.getMessage())));
          } catch (Base64Stream.TooLargeException e) {
            throw new IllegalStateException("no limit was set", e);
          }
        });
  }

  /** Copies the file part's content, decoded as its route requires, into the store's stream. */
  @FunctionalInterface
  private interface PartCopy {
    void copy(FormReader.Part part, OutputStream out) throws IOException;
  }

  /** The file's size estimated from the declared body length less the form around the file. */
  @FunctionalInterface
  private interface SizeEstimate {
    long of(long declaredBodyLength, long formBytes);
  }

  /**
   * Reads the form as it arrives and streams its one file part to the store: the parts before it
   * are skipped, the rest of the form is read (a second file part is refused) before the file is
   * registered. A request refused before its body was read to the end has its connection closed
   * after the answer, so the rest of the body is neither read nor waited for.
   */
  private SimpleUploadResponse streamed(
      String contentType,
      String contentLength,
      RoutingContext http,
      InputStream body,
      SizeEstimate estimate,
      PartCopy copy)
      throws IOException {
    FormReader form = null;
    try {
      form = new FormReader(body, FormReader.boundaryOf(contentType));
      FormReader.Part part = nextFilePart(form);
      if (part == null) {
        throw onlyOneFilePart();
      }
      FileNaming.requireValidFilename("filename", part.filename());
      String fileType = fileTypeOf(part.contentType());
      long declared = declaredLength(contentLength);
      long estimated =
          declared < 0 ? -1 : Math.max(0, estimate.of(declared, form.offset() + form.closing()));
      FormReader reader = form;
      return files.uploadStreamed(
          caller.organizationId(),
          part.filename(),
          fileType,
          estimated,
          out -> {
            copy.copy(part, out);
            if (nextFilePart(reader) != null) {
              throw onlyOneFilePart();
            }
          });
    } finally {
      if (form == null || !form.readToTheEnd()) {
        LingeringClose.afterAnswer(http);
      }
    }
  }

  /** The next part that carries a file (a filename); null at the end of the form. */
  private static FormReader.Part nextFilePart(FormReader form) throws IOException {
    FormReader.Part part;
    while ((part = form.next()) != null) {
      if (part.filename() != null) {
        return part;
      }
    }
    return null;
  }

  private static ApiException onlyOneFilePart() {
    return ApiException.validation(
        "file", "send exactly one file part (a form field with a filename)");
  }

  private static long declaredLength(String contentLength) {
    try {
      return contentLength == null ? -1 : Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The part's Content-Type, application/octet-stream when it has none. */
  private static String fileTypeOf(String contentType) {
    String fileType =
        contentType == null || contentType.isBlank()
            ? MediaType.APPLICATION_OCTET_STREAM
            : contentType;
    FileNaming.requireValidMimeType("content_type", fileType);
    return fileType;
  }
}
