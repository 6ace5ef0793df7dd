package dev.filesapi.common;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Every {@code application/problem+json} answer in the OpenAPI document is a {@link Problem}: the
 * resources' error responses name only the media type and their codes, and this gives them the
 * schema, so generated clients can read {@code code} and {@code errors[]} of any error.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponsesFilter implements OASFilter {
  private static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";

  @Override
  public APIResponse filterAPIResponse(APIResponse response) {
    if (response.getContent() != null) {
      MediaType problem = response.getContent().getMediaType(Problem.MEDIA_TYPE);
      if (problem != null && problem.getSchema() == null) {
        problem.setSchema(OASFactory.createSchema().ref(PROBLEM_SCHEMA));
      }
    }
    return response;
  }
}
