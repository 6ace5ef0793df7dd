package dev.filesapi.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Rejects URLs whose decoded path or query holds control characters (a NUL cannot even be sent to
 * PostgreSQL): no id, name or parameter of this API contains them.
 */
public class ControlCharacterFilter {

  @ServerRequestFilter(preMatching = true)
  public void rejectControlCharacters(ContainerRequestContext request) {
    UriInfo uri = request.getUriInfo();
    if (hasControl(uri.getPath()) || hasControl(uri.getQueryParameters())) {
      throw new ApiException(
          400, "bad_request", "The URL contains control characters", null, null, null);
    }
  }

  private static boolean hasControl(MultivaluedMap<String, String> parameters) {
    for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
      if (hasControl(entry.getKey())
          || entry.getValue().stream().anyMatch(ControlCharacterFilter::hasControl)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasControl(String value) {
    return value != null && value.chars().anyMatch(Character::isISOControl);
  }
}
