package dev.filesapi.file;

import dev.filesapi.common.ApiException;
import dev.filesapi.common.Problem;
import dev.filesapi.common.QueryParams;
import dev.filesapi.tenancy.Caller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

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
  private final FileService files;
  private final Caller caller;

  FileResource(FileService files, Caller caller) {
    this.files = files;
    this.caller = caller;
  }

  @GET
  @Path("/metadata")
  @Operation(
      summary = "List files",
      description =
          "All files in a stable order (oldest first). With max_items_per_shard (1–1000) the list is"
              + " cut into shards of that size and shard_index picks one; -1 (default) returns all.")
  @APIResponse(responseCode = "200", description = "A JSON array of file records")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public List<FileRecord> list(
      @QueryParam("shard_index") @Schema(defaultValue = "0") String shardIndex,
      @QueryParam("max_items_per_shard") @Schema(defaultValue = "-1") String maxItemsPerShard,
      @QueryParam("file_type") String fileType) {
    return files.list(
        caller.organizationId(),
        Optional.ofNullable(fileType).filter(type -> !type.isEmpty()),
        QueryParams.intParam("shard_index", shardIndex, 0, 0, Integer.MAX_VALUE),
        QueryParams.intParam("max_items_per_shard", maxItemsPerShard, -1, -1, 1000));
  }

  @GET
  @Path("/metadata/{file_id: .+}")
  @Operation(
      summary = "One file's record",
      description = "file_id is the file's name (URL-encode it).")
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
  @Operation(summary = "Totals", description = "Number and bytes of the organization's files.")
  public FilesInfo info() {
    return files.info(caller.organizationId());
  }

  @GET
  @Path("/download/{file_id: .+}")
  @Produces(MediaType.WILDCARD)
  @Operation(
      summary = "Download a file",
      description =
          "By default a 302 to a short-lived presigned GET URL (the bytes come from the store);"
              + " with files.download.mode=stream the service streams them. Content-Disposition"
              + " carries the filename (RFC 6266/5987).")
  @APIResponse(responseCode = "302", description = "Redirect to the object")
  @APIResponse(
      responseCode = "400",
      description = "file_not_registered",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "not_found",
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
  @Operation(summary = "Delete a file", description = "Removes the object and the record.")
  @APIResponse(responseCode = "200", description = "Deleted")
  @APIResponse(
      responseCode = "404",
      description = "not_found",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Map<String, Object> delete(@PathParam("file_id") String fileId) {
    files.delete(caller.organizationId(), fileId);
    return Map.of("file_id", fileId, "deleted", true);
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      summary = "Upload a small file in one request",
      description =
          "multipart/form-data with one file part (any field name; `file` is customary), up to"
              + " 512 MB. The part's filename becomes file_id. The form is spooled to disk, never"
              + " held in memory, then written to the store.")
  @APIResponse(responseCode = "200", description = "The stored file")
  @APIResponse(
      responseCode = "400",
      description = "validation_failed: no file part, or several",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "413",
      description = "payload_too_large",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public SimpleUploadResponse upload(@RestForm(FileUpload.ALL) List<FileUpload> parts) {
    List<FileUpload> withFiles =
        parts == null ? List.of() : parts.stream().filter(p -> p.fileName() != null).toList();
    if (withFiles.size() != 1) {
      throw ApiException.validation(
          "file", "send exactly one file part (a form field with a filename)");
    }
    FileUpload part = withFiles.get(0);
    FileNaming.requireValidFilename("filename", part.fileName());
    String fileType =
        part.contentType() == null || part.contentType().isBlank()
            ? MediaType.APPLICATION_OCTET_STREAM
            : part.contentType();
    FileNaming.requireValidMimeType("content_type", fileType);
    return files.uploadWhole(
        caller.organizationId(), part.fileName(), fileType, part.uploadedFile());
  }
}
