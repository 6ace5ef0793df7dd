package dev.filesapi.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * JSON bodies are small (10,000 part tokens fit in well under a megabyte): anything declared larger
 * than {@code files.http.max-json-body-size} is refused before it is parsed. Only the simple
 * upload's multipart form may use the larger {@code quarkus.http.limits.max-body-size}.
 */
public class BodyLimitFilter {
  private final long maxJsonBodySize;

  BodyLimitFilter(
      @ConfigProperty(name = "files.http.max-json-body-size", defaultValue = "4M")
          io.quarkus.runtime.configuration.MemorySize maxJsonBodySize) {
    this.maxJsonBodySize = maxJsonBodySize.asLongValue();
  }

  @ServerRequestFilter(preMatching = true)
  public void limitJsonBodies(ContainerRequestContext request) {
    MediaType type = request.getMediaType();
    if (type != null && type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE)) {
      return;
    }
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return;
    }
    long declared;
    try {
      declared = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw new ApiException(
          400, "bad_request", "Content-Length is not a number", null, null, null);
    }
    if (declared > maxJsonBodySize) {
      throw new ApiException(
          413,
          "payload_too_large",
          "Request bodies are limited to " + maxJsonBodySize + " bytes",
          null,
          null,
          null);
    }
  }
}
