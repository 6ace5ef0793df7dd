package dev.filesapi.http;

import dev.filesapi.problem.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A body sent without a Content-Type to an endpoint that takes one media type (JSON, or the simple
 * upload's form) is refused with 415 rather than guessed at.
 */
public class BodyTypeFilter {

  @ServerRequestFilter
  public void requireDeclaredBodyType(ContainerRequestContext request, ResourceInfo resource) {
    if (request.getHeaderString(HttpHeaders.CONTENT_TYPE) != null || !hasBody(request)) {
      return;
    }
    String method = request.getMethod();
    if ("GET".equals(method) || "HEAD".equals(method) || "DELETE".equals(method)) {
      return;
    }
    Consumes consumes = resource.getResourceMethod().getAnnotation(Consumes.class);
    if (consumes == null) {
      consumes = resource.getResourceClass().getAnnotation(Consumes.class);
    }
    if (consumes == null || Arrays.asList(consumes.value()).contains(MediaType.WILDCARD)) {
      return;
    }
    throw ApiException.of(
        415,
        "unsupported_media_type",
        "The body has no Content-Type; send " + String.join(" or ", consumes.value()));
  }

  private static boolean hasBody(ContainerRequestContext request) {
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !length.trim().equals("0");
    }
    return request.getHeaderString("Transfer-Encoding") != null;
  }
}
