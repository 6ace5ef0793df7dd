package dev.filesapi.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.Problem;
import dev.filesapi.problem.ProblemMappers;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body declared ({@code Content-Length}) larger than its route takes is refused before any of it
 * is read, with a 413 problem and the connection closed, so the unread body is never waited for.
 * Every body may be up to {@code quarkus.http.limits.max-body-size} (the JSON limit is checked by
 * {@link BodyLimitFilter}); a feature lowers it for its own routes, or answers them with a problem
 * of its own, by declaring a {@link RouteBodyLimit} (the simple upload's form: its 512 MB file plus
 * the form around it, {@code invalid_file_size}). Elsewhere the answer is {@code
 * payload_too_large}. What of the body arrives meanwhile is drained for a moment before the
 * connection is closed ({@link LingeringClose}).
 */
@ApplicationScoped
public class OversizedBodyRoute {
  private final long maxBodySize;
  private final long maxJsonBodySize;
  private final ObjectMapper mapper;
  private final List<RouteBodyLimit> routes;

  OversizedBodyRoute(
      @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
      @ConfigProperty(name = "files.http.max-json-body-size", defaultValue = "4M")
          MemorySize maxJsonBodySize,
      ObjectMapper mapper,
      Instance<RouteBodyLimit> routes) {
    this.maxBodySize = maxBodySize.asLongValue();
    this.maxJsonBodySize = maxJsonBodySize.asLongValue();
    this.mapper = mapper;
    this.routes = routes.stream().toList();
  }

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::refuseDeclaredOversize);
  }

  /** The largest body the request's route takes. */
  private long limitOf(RoutingContext context) {
    long limit = maxBodySize;
    for (RouteBodyLimit route : routes) {
      limit =
          Math.min(
              limit,
              route.limit(context.request().method(), context.normalizedPath(), maxBodySize));
    }
    return limit;
  }

  /** The route's own 413, else payload_too_large. */
  private ApiException tooLargeFor(String path) {
    for (RouteBodyLimit route : routes) {
      Optional<ApiException> tooLarge = route.tooLarge(path);
      if (tooLarge.isPresent()) {
        return tooLarge.get();
      }
    }
    return BodyLimitFilter.tooLarge(maxJsonBodySize);
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
    ApiException tooLarge = tooLargeFor(context.normalizedPath());
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
