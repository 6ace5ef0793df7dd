package dev.filesapi.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tool's HTTP/1.1 requests to the service and to the store, over {@link HttpURLConnection}
 * (connections kept alive and reused by the JDK; redirects never followed).
 *
 * <p>Not {@code java.net.http}: building its client costs ~0.13 s at every start, and its selector
 * thread, waiting in native code, holds the JVM's exit back by 0.3 s (the VM waits that long for
 * threads in native code to stop), most of the difference between the tool and a short Python
 * client on a 1 GiB upload (BENCHMARKS).
 */
final class Http {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private Http() {}

  /** An answer's headers, looked up by name in any case. */
  static final class Headers {
    private final Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    /** The headers of an answer as {@link HttpURLConnection#getHeaderFields()} gives them. */
    Headers(Map<String, List<String>> fields) {
      fields.forEach(
          (name, values) -> {
            if (name != null) { // the status line
              byName.put(name, values);
            }
          });
    }

    Optional<String> first(String name) {
      List<String> values = all(name);
      return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    List<String> all(String name) {
      return byName.getOrDefault(name, List.of());
    }
  }

  /** A request's answer: status, headers and the body to read (then close). */
  static final class Exchange implements Closeable {
    private final int status;
    private final Headers headers;
    private final InputStream body;

    Exchange(int status, Headers headers, InputStream body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    int status() {
      return status;
    }

    Optional<String> header(String name) {
      return headers.first(name);
    }

    Headers headers() {
      return headers;
    }

    InputStream body() {
      return body;
    }

    /** The body read to its end as text, which also frees the connection for the next request. */
    String text() throws IOException {
      try (InputStream in = body) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /**
   * Sends a request and returns its answer, whatever the status. A connection that cannot be made
   * is a {@link ConnectException}; no byte of the answer within {@code timeout} is a {@link
   * java.net.SocketTimeoutException}.
   */
  static Exchange send(
      String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    HttpURLConnection connection = open(method, uri, headers, timeout);
    if (body != null) {
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(body.length);
    }
    try {
      connection.connect();
    } catch (IOException e) {
      ConnectException refused =
          new ConnectException(
              e instanceof ConnectException ? "connection refused" : "no connection: " + e);
      refused.initCause(e);
      throw refused;
    }
    if (body != null) {
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
    }
    return answer(connection);
  }

  /** A connection set up for one request: its method, headers and timeouts, no redirects. */
  static HttpURLConnection open(
      String method, URI uri, Map<String, String> headers, Duration readTimeout)
      throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    connection.setReadTimeout((int) readTimeout.toMillis());
    headers.forEach(connection::setRequestProperty);
    return connection;
  }

  /** The answer of a connection whose request was sent: waits for its status and headers. */
  static Exchange answer(HttpURLConnection connection) throws IOException {
    int status = connection.getResponseCode();
    Headers headers = new Headers(connection.getHeaderFields());
    InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
    return new Exchange(status, headers, in == null ? InputStream.nullInputStream() : in);
  }
}
