package dev.filesapi.uppy;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code @uppy/aws-s3} 6 calls {@code <companionEndpoint>/s3/...} with no header of its own, so a
 * browser's credential travels in the endpoint: {@code /v1/uppy/t/<upload token>/s3/...} is served
 * as {@code /v1/uppy/s3/...} with the token as its bearer credential. The token never reaches the
 * request log, which sees the rewritten path.
 */
public class TokenPath {
  private static final String MARKER = "/uppy/t/";

  @ServerRequestFilter(preMatching = true)
  public void rewrite(ContainerRequestContext request) {
    URI uri = request.getUriInfo().getRequestUri();
    String path = uri.getRawPath();
    String base = request.getUriInfo().getBaseUri().getRawPath();
    // Only right under the base path: a file id may contain "/uppy/t/".
    int at = base.endsWith("/") ? base.length() - 1 : base.length();
    if (!path.startsWith(MARKER, at) || !path.startsWith(base.substring(0, at))) {
      return;
    }
    int tokenStart = at + MARKER.length();
    int tokenEnd = path.indexOf('/', tokenStart);
    if (tokenEnd < 0 || !path.startsWith("/s3/", tokenEnd)) {
      return;
    }
    String token = path.substring(tokenStart, tokenEnd);
    String rest = path.substring(0, at) + "/uppy" + path.substring(tokenEnd);
    request.setRequestUri(
        URI.create(
            uri.getScheme()
                + "://"
                + uri.getRawAuthority()
                + rest
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
    if (request.getHeaderString(HttpHeaders.AUTHORIZATION) == null) {
      request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
  }
}
