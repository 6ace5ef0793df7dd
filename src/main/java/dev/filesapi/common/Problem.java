package dev.filesapi.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem body with the stable machine {@code code} every error carries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details with a stable machine code")
@RegisterForReflection // native image: entity of Responses the exception mappers build
public record Problem(
    @Schema(example = "about:blank") String type,
    @Schema(example = "Bad Request") String title,
    @Schema(example = "400") int status,
    @Schema(example = "validation_failed") String code,
    @Schema(example = "num_bytes must be between 1 and 250000000000") String detail,
    List<FieldError> errors,
    @Schema(
            description =
                "Zero-based part numbers the error is about (missing_parts, invalid_part)")
        List<Integer> parts) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** One rejected field of a request. */
  @RegisterForReflection // native image: serialised only inside Problem.errors
  public record FieldError(String field, String message) {}
}
