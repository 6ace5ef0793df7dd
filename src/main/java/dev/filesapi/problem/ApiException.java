package dev.filesapi.problem;

import jakarta.ws.rs.core.Response.Status;
import java.util.List;
import java.util.Map;

/**
 * A failure the client can act on, rendered as a problem body. Services throw it; the mapper in
 * {@link ProblemMappers} turns it into the response.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final List<Problem.FieldError> errors;
  private final List<Integer> parts;
  private final Map<String, String> headers;

  public ApiException(
      int status,
      String code,
      String detail,
      List<Problem.FieldError> errors,
      List<Integer> parts,
      Map<String, String> headers) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.parts = parts;
    this.headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public ApiException(Status status, String code, String detail) {
    this(status.getStatusCode(), code, detail, null, null, null);
  }

  public static ApiException notFound(String what, String id) {
    return new ApiException(Status.NOT_FOUND, "not_found", what + " " + id + " does not exist");
  }

  public static ApiException validation(String field, String message) {
    return new ApiException(
        400,
        "validation_failed",
        field + " " + message,
        List.of(new Problem.FieldError(field, message)),
        null,
        null);
  }

  /** A {@code cursor} parameter this service did not issue. */
  public static ApiException invalidCursor() {
    return new ApiException(
        400,
        "invalid_cursor",
        "cursor is not one this service issued",
        List.of(new Problem.FieldError("cursor", "is not valid")),
        null,
        null);
  }

  public static ApiException conflict(String code, String detail) {
    return new ApiException(Status.CONFLICT, code, detail);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }

  public List<Integer> parts() {
    return parts;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
