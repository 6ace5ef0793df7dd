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

  private ApiException(
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

  /** A problem told by its code and detail alone. */
  public static ApiException of(int status, String code, String detail) {
    return new ApiException(status, code, detail, null, null, null);
  }

  /** A problem with one entry per field (or other item) that is wrong. */
  public static ApiException withErrors(
      int status, String code, String detail, List<Problem.FieldError> errors) {
    return new ApiException(status, code, detail, errors, null, null);
  }

  /** A problem about some parts of an upload, named by their numbers ({@code parts}). */
  public static ApiException aboutParts(
      int status, String code, String detail, List<Integer> parts) {
    return new ApiException(status, code, detail, null, parts, null);
  }

  /** A problem whose answer carries headers ({@code Retry-After}, {@code WWW-Authenticate}). */
  public static ApiException withHeaders(
      int status, String code, String detail, Map<String, String> headers) {
    return new ApiException(status, code, detail, null, null, headers);
  }

  public static ApiException notFound(String what, String id) {
    return of(Status.NOT_FOUND.getStatusCode(), "not_found", what + " " + id + " does not exist");
  }

  public static ApiException validation(String field, String message) {
    return withErrors(
        400,
        "validation_failed",
        field + " " + message,
        List.of(new Problem.FieldError(field, message)));
  }

  /** A {@code cursor} parameter this service did not issue. */
  public static ApiException invalidCursor() {
    return withErrors(
        400,
        "invalid_cursor",
        "cursor is not one this service issued",
        List.of(new Problem.FieldError("cursor", "is not valid")));
  }

  public static ApiException conflict(String code, String detail) {
    return of(Status.CONFLICT.getStatusCode(), code, detail);
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
