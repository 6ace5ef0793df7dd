package dev.filesapi.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.file.FileService;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body declared larger than {@code quarkus.http.limits.max-body-size} is refused by the HTTP
 * layer before any of it is read, with an empty 413. This route runs first and gives that 413 the
 * problem body every other error has: {@code invalid_file_size} for the simple uploads (the code
 * the source API's clients read), {@code payload_too_large} elsewhere (with the JSON limit, the
 * only bodies other paths take). The connection is closed after it, as the HTTP layer does, so the
 * unread body is not read.
 */
@ApplicationScoped
public class OversizedBodyRoute {
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

  private void refuseDeclaredOversize(RoutingContext context) {
    String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long declared;
    try {
      declared = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      declared = -1; // the HTTP layer answers a malformed length itself
    }
    if (declared <= maxBodySize) {
      context.next();
      return;
    }
    String path = context.normalizedPath();
    ApiException tooLarge =
        path.equals("/v1/files") || path.equals("/v1/files/base64")
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
    context
        .response()
        .setStatusCode(413)
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body)
        .onComplete(done -> context.request().connection().close());
  }
}
