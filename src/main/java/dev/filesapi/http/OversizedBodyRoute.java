package dev.filesapi.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.file.FileService;
import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.Problem;
import dev.filesapi.problem.ProblemMappers;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body declared ({@code Content-Length}) larger than its route takes is refused before any of it
 * is read, with a 413 problem and the connection closed, so the unread body is never waited for.
 * Each route has its own limit: the simple upload's form ({@code POST /v1/files}) its 512 MB file
 * plus the form around it; the base64 form {@code quarkus.http.limits.max-body-size} (its text is
 * 4/3 of the bytes); every other body the HTTP limit here (the JSON limit is checked by {@link
 * BodyLimitFilter}). {@code invalid_file_size} for the simple uploads (the code the source API's
 * clients read), {@code payload_too_large} elsewhere. What of the body arrives meanwhile is drained
 * for a moment before the connection is closed ({@link LingeringClose}).
 */
@ApplicationScoped
public class OversizedBodyRoute {
  private static final String SIMPLE_UPLOAD = "/v1/files";
  private static final String BASE64_UPLOAD = "/v1/files/base64";

  private final long maxBodySize;
  private final long maxJsonBodySize;
  private final ObjectMapper mapper;

  OversizedBodyRoute(
      @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
      @ConfigProperty(name = "files.http.max-json-body-size", defaultValue = "4M")
          MemorySize maxJsonBodySize,
      ObjectMapper mapper) {
    this.maxBodySize = maxBodySize.asLongValue();
    this.maxJsonBodySize = maxJsonBodySize.asLongValue();
    this.mapper = mapper;
  }

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::refuseDeclaredOversize);
  }

  /** The largest body the request's route takes. */
  private long limitOf(RoutingContext context) {
    if (context.request().method() == HttpMethod.POST
        && SIMPLE_UPLOAD.equals(context.normalizedPath())) {
      return Math.min(maxBodySize, FileService.MAX_SIMPLE_FORM_BYTES);
    }
    return maxBodySize;
  }

  private void refuseDeclaredOversize(RoutingContext context) {
    String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long declared;
    try {
      declared = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      declared = -1; // the HTTP layer answers a malformed length itself
    }
    if (declared <= limitOf(context)) {
      context.next();
      return;
    }
    String path = context.normalizedPath();
    ApiException tooLarge =
        path.equals(SIMPLE_UPLOAD) || path.equals(BASE64_UPLOAD)
            ? FileService.fileTooLargeForSimpleUpload()
            : BodyLimitFilter.tooLarge(maxJsonBodySize);
    Problem problem =
        new Problem(
            "about:blank",
            ProblemMappers.title(413),
            413,
            tooLarge.code(),
            tooLarge.getMessage(),
            null,
            null);
    String body;
    try {
      body = mapper.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    LingeringClose.afterAnswer(context);
    context
        .response()
        .setStatusCode(413)
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .end(body);
  }
}
