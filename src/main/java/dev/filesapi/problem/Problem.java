package dev.filesapi.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem body with the stable machine {@code code} every error carries, and the {@code
 * errors} array the source API's clients read ({@code errors[].code}): one entry per field for
 * validation failures, a single entry (code and detail) for every other problem.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details with a stable machine code")
@RegisterForReflection // native image: entity of Responses the exception mappers build
public record Problem(
    @Schema(example = "about:blank", required = true) String type,
    @Schema(example = "Bad Request", required = true) String title,
    @Schema(example = "400", required = true) int status,
    @Schema(example = "validation_failed", required = true) String code,
    @Schema(example = "num_bytes must be between 1 and 250000000000") String detail,
    @Schema(
            description =
                "One entry per problem: per field for validation failures, a single entry"
                    + " otherwise; errors[0].code equals code in single-problem answers",
            required = true)
        List<FieldError> errors,
    @Schema(
            description =
                "Zero-based part numbers the error is about (missing_parts, invalid_part)")
        List<Integer> parts) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** Every body has its errors: entries without a code take the problem's. */
  public Problem {
    List<FieldError> entries = new ArrayList<>();
    if (errors == null || errors.isEmpty()) {
      entries.add(new FieldError(code, null, detail));
    } else {
      for (FieldError error : errors) {
        entries.add(error.code() == null ? error.withCode(code) : error);
      }
    }
    errors = List.copyOf(entries);
  }

  /** One problem of a request: its code, the field it is about (if any) and what is wrong. */
  @RegisterForReflection // native image: serialised only inside Problem.errors
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"code", "field", "message"})
  @Schema(name = "ProblemError")
  public record FieldError(
      @Schema(example = "validation_failed", required = true) String code,
      @Schema(example = "num_bytes", description = "The field, for validation failures")
          String field,
      @Schema(example = "must be between 1 and 250000000000", required = true) String message) {

    /** A field error whose code is the enclosing problem's. */
    public FieldError(String field, String message) {
      this(null, field, message);
    }

    FieldError withCode(String code) {
      return new FieldError(code, field, message);
    }
  }
}
