package dev.filesapi.http;

import dev.filesapi.problem.ApiException;
import jakarta.ws.rs.container.ContainerRequestContext;
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
    if (hasControl(uri.getPath())) {
      // No resource has such a name: the same answer as any unknown id.
      throw ApiException.of(404, "not_found", "No such resource");
    }
    for (Map.Entry<String, List<String>> parameter : uri.getQueryParameters().entrySet()) {
      if (hasControl(parameter.getKey())
          || parameter.getValue().stream().anyMatch(ControlCharacterFilter::hasControl)) {
        throw ApiException.validation(
            hasControl(parameter.getKey()) ? "query" : parameter.getKey(),
            "must not contain control characters");
      }
    }
  }

  private static boolean hasControl(String value) {
    return value != null && value.chars().anyMatch(Character::isISOControl);
  }
}
