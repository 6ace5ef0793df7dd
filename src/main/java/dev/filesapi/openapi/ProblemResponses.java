package dev.filesapi.openapi;

import dev.filesapi.problem.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Every {@code application/problem+json} answer in the OpenAPI document is a {@link Problem}: the
 * resources' error responses name only the media type and their codes, and this gives them the
 * schema, so generated clients can read {@code code} and {@code errors[]} of any error.
 *
 * <p>It also adds to each operation the error answers any operation of its kind can give, where the
 * resource did not describe them itself, so the document lists every status the service really
 * answers (the suite checks every response against it): a malformed request, an oversized body or a
 * Content-Type that is not a media type (both refused before routing), an unacceptable {@code
 * Accept}, unexpected failures and unavailable dependencies everywhere; unknown ids where the path
 * has one.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {
  private static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";

  // Ordered maps: the document must come out the same on every build (it is snapshotted).
  private static final Map<String, String> EVERY_OPERATION = new LinkedHashMap<>();

  static {
    EVERY_OPERATION.put(
        "400", "validation_failed, malformed_json, bad_request: the request cannot be used");
    EVERY_OPERATION.put(
        "406", "not_acceptable: the Accept header excludes every type this answers with");
    EVERY_OPERATION.put("500", "internal_error: an unexpected failure (never a client mistake)");
    EVERY_OPERATION.put(
        "503",
        "database_unavailable or storage_unavailable: a dependency is down or did not answer in"
            + " time; Retry-After is set");
    // The body limit is checked before the request is routed, so a body over it is refused on
    // every operation, including those that take none.
    EVERY_OPERATION.put(
        "413",
        "payload_too_large: a request body over files.http.max-json-body-size (on any operation:"
            + " the limit is checked before routing); invalid_file_size: a simple upload over 512"
            + " MB");
    // Likewise a Content-Type that is not a media type is refused before routing.
    EVERY_OPERATION.put(
        "415",
        "unsupported_media_type: a Content-Type header that is not a media type (on any"
            + " operation: checked before routing), or not the body type this operation takes");
  }

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

  @Override
  public Operation filterOperation(Operation operation) {
    APIResponses responses = operation.getResponses();
    if (responses == null) {
      return operation;
    }
    EVERY_OPERATION.forEach((status, description) -> addIfMissing(responses, status, description));
    boolean pathParameter =
        operation.getParameters() != null
            && operation.getParameters().stream().anyMatch(p -> p.getIn() == Parameter.In.PATH);
    if (pathParameter) {
      addIfMissing(responses, "404", "not_found: no such resource in the caller's organization");
    }
    return operation;
  }

  /** Adds the answer, or gives the problem body to one declared without content. */
  private static void addIfMissing(APIResponses responses, String status, String description) {
    APIResponse existing = responses.getAPIResponse(status);
    if (existing != null && existing.getContent() != null) {
      return;
    }
    if (existing != null) {
      existing.content(problemContent());
      return;
    }
    responses.addAPIResponse(
        status, OASFactory.createAPIResponse().description(description).content(problemContent()));
  }

  private static org.eclipse.microprofile.openapi.models.media.Content problemContent() {
    return OASFactory.createContent()
        .addMediaType(
            Problem.MEDIA_TYPE,
            OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_SCHEMA)));
  }
}
