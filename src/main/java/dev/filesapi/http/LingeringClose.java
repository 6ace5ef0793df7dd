package dev.filesapi.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Closes the connection of a request refused before its body was read, once the answer is sent. The
 * body still arriving is read and dropped for a moment first: a connection closed with unread bytes
 * is reset, and a reset can destroy the answer at the client before it reads it (a client that
 * sends its whole body before reading, as most do, would see a broken connection instead of the
 * 413).
 */
public final class LingeringClose {
  /** How long the unread body is drained before the connection is closed. */
  static final long LINGER_MILLIS = 2000;

  private LingeringClose() {}

  /**
   * HTTP/1.1: marks the answer {@code Connection: close} and closes the connection after it.
   * HTTP/2: the connection carries other streams, so the rest of this stream's body is only
   * drained.
   */
  public static void afterAnswer(RoutingContext context) {
    HttpServerRequest request = context.request();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    if (!http2) {
      context.response().putHeader("Connection", "close");
    }
    context.addEndHandler(
        done -> {
          try {
            request.handler(ignored -> {});
            request.resume();
          } catch (IllegalStateException ended) {
            // the body had ended after all
          }
          if (!http2) {
            context.vertx().setTimer(LINGER_MILLIS, id -> request.connection().close());
          }
        });
  }
}
