package dev.filesapi.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.filesapi.database.DatabaseOutage;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into an RFC 9457 problem body. Client mistakes get a 4xx with a stable code;
 * nothing but a generic message ever leaves for a 5xx (no class names, no stack traces). A feature
 * maps its own exceptions next to them (the store's in {@code StorageProblemMappers}), through
 * {@link #response}.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
  private static final PropertyNamingStrategies.NamingBase SNAKE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
  private static final Map<Integer, String> CODES =
      Map.of(
          400, "bad_request",
          401, "unauthorized",
          403, "forbidden",
          404, "not_found",
          405, "method_not_allowed",
          406, "not_acceptable",
          413, "payload_too_large",
          415, "unsupported_media_type");

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return response(e);
  }

  /** The answer to e: for mappers of exceptions that stand for an {@link ApiException}. */
  public static Response response(ApiException e) {
    Response.ResponseBuilder builder =
        problem(e.status(), e.code(), e.getMessage(), e.errors(), e.parts());
    e.headers().forEach(builder::header);
    return builder.build();
  }

  /** A multipart form whose part headers cannot be parsed (a line break inside a filename). */
  @ServerExceptionMapper
  public Response malformedForm(
      org.jboss.resteasy.reactive.server.core.multipart.MultipartParser.MalformedMessageException
          e) {
    return problem(400, "malformed_body", "The request body could not be read", null, null).build();
  }

  /** A body that breaks off or is not the multipart form it claims to be: the client's mistake. */
  @ServerExceptionMapper
  public Response unreadableBody(java.io.IOException e) {
    LOG.debugf("unreadable request body: %s", e.getMessage());
    return problem(400, "malformed_body", "The request body could not be read", null, null).build();
  }

  @ServerExceptionMapper
  public Response constraintViolation(ConstraintViolationException e) {
    List<Problem.FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
      if (isReturnValue(violation.getPropertyPath())) {
        return internalError(e);
      }
      errors.add(
          new Problem.FieldError(fieldName(violation.getPropertyPath()), violation.getMessage()));
    }
    errors.sort(Comparator.comparing(Problem.FieldError::field));
    String detail =
        errors.stream()
            .map(error -> error.field() + " " + error.message())
            .reduce((a, b) -> a + "; " + b)
            .orElse("invalid request");
    return problem(400, "validation_failed", detail, errors, null).build();
  }

  @ServerExceptionMapper
  public Response validation(ValidationException e) {
    if (e instanceof ConstraintViolationException violation) {
      return constraintViolation(violation);
    }
    return internalError(e);
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e) {
    return jsonProblem(e);
  }

  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e) {
    return jsonProblem(e);
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return internalError(e);
    }
    String code = CODES.getOrDefault(status, "bad_request");
    Throwable cause = e.getCause();
    if (cause instanceof JsonProcessingException json) {
      return jsonProblem(json);
    }
    String detail =
        switch (status) {
          case 404 -> "No such resource";
          case 405 -> "Method not allowed on this resource";
          case 406 -> "The requested media type cannot be produced";
          case 413 -> "The request body is too large";
          case 415 -> "Unsupported content type; send application/json";
          default -> "The request could not be understood";
        };
    return problem(status, code, detail, null, null).build();
  }

  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(Throwable e) {
    if (e instanceof WebApplicationException web) {
      return webApplication(web);
    }
    return internalError(e);
  }

  private Response jsonProblem(JsonProcessingException e) {
    String field = null;
    // A syntax error inside a nested value arrives wrapped with a path; it is still malformed.
    if (!isSyntaxError(e)
        && e instanceof JsonMappingException mapping
        && !mapping.getPath().isEmpty()) {
      field = jsonPath(mapping.getPath());
    }
    if (field == null) {
      return problem(400, "malformed_json", "The request body is not valid JSON", null, null)
          .build();
    }
    String message = "has the wrong type or an unreadable value";
    return problem(
            400,
            "validation_failed",
            field + " " + message,
            List.of(new Problem.FieldError(field, message)),
            null)
        .build();
  }

  private static boolean isSyntaxError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.fasterxml.jackson.core.JsonParseException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static String jsonPath(List<JsonMappingException.Reference> path) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.isEmpty() ? null : out.toString();
  }

  private static boolean isReturnValue(Path path) {
    for (Path.Node node : path) {
      if (node.getKind() == ElementKind.RETURN_VALUE) {
        return true;
      }
    }
    return false;
  }

  /**
   * The JSON name of a violated property ({@code parts[3].part_number}); a body parameter's own
   * name is dropped, a query parameter's is kept.
   */
  private static String fieldName(Path path) {
    List<String> segments = new ArrayList<>();
    String parameter = null;
    for (Path.Node node : path) {
      ElementKind kind = node.getKind();
      if (kind == ElementKind.PARAMETER) {
        parameter = SNAKE.translate(node.getName());
      } else if ((kind == ElementKind.PROPERTY || kind == ElementKind.BEAN)
          && node.getName() != null) {
        if (node.isInIterable() && node.getIndex() != null && !segments.isEmpty()) {
          int last = segments.size() - 1;
          segments.set(last, segments.get(last) + "[" + node.getIndex() + "]");
        }
        segments.add(SNAKE.translate(node.getName()));
      } else if (kind == ElementKind.CONTAINER_ELEMENT
          && node.getIndex() != null
          && !segments.isEmpty()) {
        // A list element itself (a null entry): parts[3].
        int last = segments.size() - 1;
        segments.set(last, segments.get(last) + "[" + node.getIndex() + "]");
      }
    }
    if (!segments.isEmpty()) {
      return String.join(".", segments);
    }
    return parameter == null ? "body" : parameter;
  }

  /** A database outage among the causes is a 503 (one warning), anything else a 500. */
  private static Response internalError(Throwable e) {
    Optional<Throwable> outage = DatabaseOutage.evidence(e);
    if (outage.isPresent()) {
      LOG.warnf("database unavailable: %s", DatabaseOutage.describe(outage.get()));
      return problem(
              503, "database_unavailable", "The database is unavailable; retry later", null, null)
          .header("Retry-After", "5")
          .build();
    }
    LOG.error("unexpected failure", e);
    return problem(500, "internal_error", "An unexpected error occurred", null, null).build();
  }

  static Response.ResponseBuilder problem(
      int status,
      String code,
      String detail,
      List<Problem.FieldError> errors,
      List<Integer> parts) {
    Problem body = new Problem("about:blank", title(status), status, code, detail, errors, parts);
    return Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
  }

  /** The title of a problem with this status: the status's reason phrase. */
  public static String title(int status) {
    if (status == 422) {
      return "Unprocessable Content";
    }
    Response.Status known = Response.Status.fromStatusCode(status);
    return known == null ? "Error" : known.getReasonPhrase();
  }
}
