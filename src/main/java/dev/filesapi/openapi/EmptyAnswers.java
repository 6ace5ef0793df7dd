package dev.filesapi.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Answers without a body are documented without content. The scanner gives every answer of a
 * resource the resource's {@code @Produces} type, even one that carries no body (abort's {@code
 * 200}); a generated client then tries to parse JSON that is not there. A response declared with
 * the extension {@value #EMPTY} has its content removed, and the marker with it.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class EmptyAnswers implements OASFilter {
  /** The marker of an {@code @APIResponse} that answers no body. */
  public static final String EMPTY = "x-empty-body";

  @Override
  public APIResponse filterAPIResponse(APIResponse response) {
    Map<String, Object> extensions = response.getExtensions();
    if (extensions != null && extensions.containsKey(EMPTY)) {
      Map<String, Object> rest = new LinkedHashMap<>(extensions);
      rest.remove(EMPTY);
      response.setExtensions(rest.isEmpty() ? null : rest);
      response.setContent(null);
    }
    return response;
  }
}
