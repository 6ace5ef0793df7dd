package dev.filesapi.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The service's API: requests with the key, JSON in and out, retries where a repeat is harmless
 * (network errors, 5xx, 429, honouring {@code Retry-After}), and problem answers (RFC 9457 with a
 * {@code code}) turned into one-line {@link CliFailure}s with the exit status of their kind.
 */
final class ApiClient {
  static final String USER_AGENT = "files-cli/" + Main.VERSION;

  /** Connection refused: probably a wrong address, so fewer attempts than other failures. */
  private static final int CONNECT_ATTEMPTS = 3;

  /** How long a call waits for the service's answer. */
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final URI base;
  private final String key;
  private final Backoff backoff;

  ApiClient(URI base, String key, Backoff backoff) {
    this.base = base;
    this.key = key;
    this.backoff = backoff;
  }

  /**
   * The API's base address from what a user gives: the banner's {@code http://host:8080/v1}, the
   * bare {@code http://host:8080}, with or without a trailing slash.
   */
  static URI apiBase(String address) {
    String text = address.trim();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, "not an address: " + address);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new CliFailure(
          ExitCode.USAGE,
          "not an http(s) address: " + address + " (e.g. http://localhost:8080/v1)");
    }
    if (!text.endsWith("/v1")) {
      text = text + "/v1";
    }
    return URI.create(text + "/");
  }

  URI base() {
    return base;
  }

  /** The address of an API path, e.g. {@code files/info}. */
  URI uri(String path) {
    return base.resolve(path);
  }

  /** A path segment percent-encoded (file ids may hold spaces, slashes, any Unicode). */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** An answer: status, headers and body text. */
  record Answer(int status, Http.Headers headers, String body) {
    Optional<String> header(String name) {
      return headers.first(name);
    }

    Map<String, Object> json() {
      return Json.parseObject(body);
    }
  }

  /** GET returning the JSON object; a problem answer is thrown. */
  Map<String, Object> getJson(String path, String action) {
    return expectOk(send("GET", path, null, action), action).json();
  }

  /** POST of a JSON body returning the JSON object; a problem answer is thrown. */
  Map<String, Object> postJson(String path, Object body, String action) {
    return expectOk(send("POST", path, body, action), action).json();
  }

  Answer expectOk(Answer answer, String action) {
    if (answer.status() / 100 != 2) {
      throw failure(answer, action);
    }
    return answer;
  }

  /**
   * Sends a request, repeating it on network errors, 5xx and 429 (after {@code Retry-After} where
   * given) while the backoff allows; returns the last answer, whatever its status. Throws {@link
   * CliFailure} when the service cannot be reached at all.
   */
  Answer send(String method, String path, Object jsonBody, String action) {
    Map<String, String> headers = authorized();
    byte[] body = null;
    if (jsonBody != null) {
      headers.put("Content-Type", "application/json");
      body = Json.write(jsonBody).getBytes(StandardCharsets.UTF_8);
    }
    return send(method, path, headers, body);
  }

  /** POST of a body of the given type, retried as {@link #send(String, String, Object, String)}. */
  Answer post(String path, String contentType, byte[] body) {
    Map<String, String> headers = authorized();
    headers.put("Content-Type", contentType);
    return send("POST", path, headers, body);
  }

  private Answer send(String method, String path, Map<String, String> headers, byte[] body) {
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        Answer answer;
        try (Http.Exchange exchange = Http.send(method, uri(path), headers, body, TIMEOUT)) {
          answer = new Answer(exchange.status(), exchange.headers(), exchange.text());
        }
        if (!retryable(answer.status()) || !backoff.again(attempt)) {
          return answer;
        }
        Backoff.sleep(
            backoff.delay(
                attempt,
                Backoff.retryAfter(answer.header("Retry-After")),
                ThreadLocalRandom.current()::nextDouble));
      } catch (IOException e) {
        boolean refused = e instanceof ConnectException;
        if (!backoff.again(attempt) || (refused && attempt >= CONNECT_ATTEMPTS)) {
          throw unreachable(e);
        }
        Backoff.sleep(
            backoff.delay(attempt, Optional.empty(), ThreadLocalRandom.current()::nextDouble));
      }
    }
  }

  private static boolean retryable(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  /** The headers of every call to the service: the key, the tool's name, JSON answers. */
  Map<String, String> authorized() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + key);
    headers.put("User-Agent", USER_AGENT);
    headers.put("Accept", "application/json, application/problem+json");
    return headers;
  }

  CliFailure unreachable(IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new CliFailure(
        ExitCode.UNREACHABLE, "cannot reach the service at " + displayBase() + ": " + why);
  }

  String displayBase() {
    String text = base.toString();
    return text.substring(0, text.length() - 1);
  }

  /** The failure an error answer stands for, as one line naming the action. */
  CliFailure failure(Answer answer, String action) {
    Problem problem = Problem.of(answer);
    int status = answer.status();
    ExitCode exit;
    String message;
    if (status == 401) {
      exit = ExitCode.KEY_REFUSED;
      message = "the service refused the API key (401): check FILES_API_KEY or --key";
      return new CliFailure(exit, message);
    } else if (status == 404) {
      exit = ExitCode.NOT_FOUND;
    } else if (status == 413 && "file_too_large".equals(problem.code())) {
      exit = ExitCode.TOO_LARGE;
    } else if (status == 502) {
      exit = ExitCode.STORE_REFUSED;
    } else if (status == 503) {
      exit = ExitCode.UNREACHABLE;
    } else {
      exit = ExitCode.FAILED;
    }
    message = action + ": " + problem.describe(status);
    if ("upload_mismatch".equals(problem.code())) {
      message += "; to start afresh under this name: --no-resume";
    }
    return new CliFailure(exit, message);
  }

  /** The fields of a problem answer the tool reports. */
  record Problem(String code, String detail, List<Object> parts) {
    static Problem of(Answer answer) {
      try {
        Map<String, Object> body = answer.json();
        Object code = body.get("code");
        Object detail = body.containsKey("detail") ? body.get("detail") : body.get("title");
        Object parts = body.get("parts");
        return new Problem(
            code == null ? null : code.toString(),
            detail == null ? null : detail.toString(),
            parts instanceof List<?> list ? List.copyOf(list) : List.of());
      } catch (RuntimeException notJson) {
        String text = answer.body() == null ? "" : answer.body().strip();
        return new Problem(
            null,
            text.isEmpty() ? null : text.substring(0, Math.min(200, text.length())),
            List.of());
      }
    }

    String describe(int status) {
      StringBuilder out = new StringBuilder();
      out.append(detail == null ? "HTTP " + status : detail);
      out.append(" (").append(status);
      if (code != null) {
        out.append(' ').append(code);
      }
      return out.append(')').toString();
    }
  }
}
