package dev.filesapi.http;

import dev.filesapi.problem.ApiException;
import io.vertx.core.http.HttpMethod;
import java.util.Optional;

/**
 * A route whose declared bodies are limited below {@code quarkus.http.limits.max-body-size}, or
 * refused with a problem of its own: the feature serving the route declares it as a bean, and
 * {@link OversizedBodyRoute} applies it before any of the body is read.
 */
public interface RouteBodyLimit {
  /**
   * The largest body the request may declare: {@code maxBodySize} where this route does not lower
   * it.
   */
  long limit(HttpMethod method, String path, long maxBodySize);

  /** The 413 for a body over its limit on path, or empty for the generic payload_too_large. */
  Optional<ApiException> tooLarge(String path);
}
