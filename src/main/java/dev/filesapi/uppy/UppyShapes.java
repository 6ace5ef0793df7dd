package dev.filesapi.uppy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The bodies of Uppy Companion's S3 routes, field by field (Companion 6.2.2's {@code s3}
 * controller): camelCase and PascalCase names as Companion sends them, not this API's snake_case.
 */
final class UppyShapes {
  private UppyShapes() {}

  /** {@code POST /s3/multipart}. */
  @RegisterForReflection
  record CreateMultipart(
      @Schema(description = "The file's name; the registered file's file_id", required = true)
          String filename,
      @Schema(description = "MIME type", example = "image/png", required = true) String type,
      @Schema(description = "Uppy's file meta fields; accepted and not stored")
          Map<String, Object> metadata) {}

  @RegisterForReflection
  record CreatedMultipart(
      @JsonProperty("uploadId") @Schema(description = "This service's upload id (upl_…)")
          String uploadId,
      @JsonProperty("key")
          @Schema(description = "The id the file will have (fil_…); send it back as ?key=")
          String key) {}

  /** {@code GET /s3/multipart/{uploadId}/{partNumber}}. */
  @RegisterForReflection
  record SignedPart(
      @JsonProperty("url") String url,
      @JsonProperty("expires") @Schema(description = "Seconds the URL stays valid") long expires) {}

  /** {@code GET /s3/multipart/{uploadId}/batch}. */
  @RegisterForReflection
  record SignedParts(
      @JsonProperty("presignedUrls")
          @Schema(description = "Part number (1-based, as given) to its presigned PUT URL")
          Map<String, String> presignedUrls) {}

  /** One element of {@code GET /s3/multipart/{uploadId}}. */
  @RegisterForReflection
  record ListedPart(
      @JsonProperty("PartNumber") @Schema(description = "1-based") int partNumber,
      @JsonProperty("Size")
          @Schema(
              description =
                  "The part's size; absent once the store has assembled the object (the parts"
                      + " of a completed upload are no longer held)")
          Long size,
      @JsonProperty("ETag")
          @Schema(
              description =
                  "The part's ETag; \"assembled\" once the store has assembled the object: a"
                      + " complete with these answers the file")
          String eTag) {}

  /** {@code POST /s3/multipart/{uploadId}/complete}. */
  @RegisterForReflection
  record CompleteMultipart(
      @JsonProperty("parts") @Schema(required = true) List<CompletedPart> parts) {}

  @RegisterForReflection
  record CompletedPart(
      @JsonProperty("PartNumber") @Schema(description = "1-based", required = true)
          Integer partNumber,
      @JsonProperty("ETag") @Schema(required = true) String eTag) {}

  @RegisterForReflection
  record CompletedMultipart(
      @JsonProperty("location")
          @Schema(description = "Where the registered file downloads (with the API key)")
          String location,
      @JsonProperty("key") @Schema(description = "The registered file's file_uid") String key,
      @JsonProperty("file_id") @Schema(description = "The registered file's name") String fileId,
      @JsonProperty("num_bytes") long numBytes) {}

  /** {@code POST /uppy/tokens} (ours). */
  @RegisterForReflection
  record UploadToken(
      @Schema(description = "ut_…: accepted only by the /v1/uppy/s3 routes") String token,
      @Schema(
              description =
                  "The companionEndpoint to give @uppy/aws-s3 6: this service's /v1/uppy/t/<token>")
          String companionEndpoint,
      Instant expiresAt) {}
}
