package dev.filesapi.storage.azure;

import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.StoreFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The Blob service's REST calls on one container, signed with Shared Key, each kept to its
 * deadline: an attempt is cut at the deadline's per-attempt time, and a call that got no answer, a
 * 5xx or throttling is sent again while its total time lasts. Any other answer goes back to the
 * caller, who knows which 404 or 409 is expected.
 */
final class AzureBlobs {
  private static final Logger LOG = Logger.getLogger(AzureBlobs.class);

  /** Azure's codes that ask for a retry whatever their status (others are by status). */
  private static final Set<String> TRANSIENT_CODES = Set.of("ServerBusy", "OperationTimedOut");

  private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<\\n]*)");

  private final AzureAccount account;
  private final AzureSigner signer;
  private final String container;
  private final HttpClient http;

  AzureBlobs(AzureAccount account, String container, Duration connectTimeout) {
    this.account = Objects.requireNonNull(account, "account is null");
    this.container = Objects.requireNonNull(container, "container is null");
    this.signer = new AzureSigner(account);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  AzureSigner signer() {
    return signer;
  }

  String container() {
    return container;
  }

  /** The URL of a blob, without a query. */
  String url(String blob) {
    return account.blobEndpoint()
        + "/"
        + AzureSigner.path(container)
        + "/"
        + AzureSigner.path(blob);
  }

  /** An answer of the Blob service: its status, headers and (small) body. */
  record Answer(int status, HttpHeaders headers, byte[] body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    /** The error code: the {@code x-ms-error-code} header, else the XML body's. */
    String code() {
      String code = header("x-ms-error-code");
      return code != null ? code : first(CODE);
    }

    String message() {
      return first(MESSAGE);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }

    private String first(Pattern pattern) {
      Matcher matcher = pattern.matcher(text());
      return matcher.find() ? matcher.group(1).strip() : null;
    }
  }

  /** A request to send: method, blob (null: the container), query and headers, body. */
  static final class Call {
    final String action;
    final String method;
    final String blob;
    final Map<String, String> query = new LinkedHashMap<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    int length;

    Call(String action, String method, String blob) {
      this.action = action;
      this.method = method;
      this.blob = blob;
    }

    Call query(String name, String value) {
      query.put(name, value);
      return this;
    }

    Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Call body(byte[] content, int length) {
      this.body = content;
      this.length = length;
      return this;
    }
  }

  /** Sends the call, again while its deadline lasts if the store is unreachable or failing. */
  Answer send(Call call, StoreDeadlines.Deadline deadline) {
    Exchanged<byte[]> exchanged =
        exchange(
            call,
            deadline,
            HttpResponse.BodyHandlers.ofByteArray(),
            r -> new Answer(r.statusCode(), r.headers(), r.body()));
    if (exchanged.refusal() != null) {
      return exchanged.refusal();
    }
    HttpResponse<byte[]> response = exchanged.response();
    return new Answer(response.statusCode(), response.headers(), response.body());
  }

  /**
   * Sends a GET whose body the caller streams (the deadline covers the answer's start); an error
   * answer comes back read whole, as the refusal.
   */
  Exchanged<InputStream> open(Call call, StoreDeadlines.Deadline deadline) {
    return exchange(
        call, deadline, HttpResponse.BodyHandlers.ofInputStream(), AzureBlobs::readWhole);
  }

  /** A 2xx response, or the error answer that retrying does not cure. */
  record Exchanged<T>(HttpResponse<T> response, Answer refusal) {}

  private static Answer readWhole(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      return new Answer(response.statusCode(), response.headers(), body.readAllBytes());
    } catch (IOException e) {
      return new Answer(response.statusCode(), response.headers(), new byte[0]);
    }
  }

  private <T> Exchanged<T> exchange(
      Call call,
      StoreDeadlines.Deadline deadline,
      HttpResponse.BodyHandler<T> handler,
      Function<HttpResponse<T>, Answer> errorOf) {
    Instant end = Instant.now().plus(deadline.total());
    Duration pause = Duration.ofMillis(50);
    for (int attempt = 1; ; attempt++) {
      Duration left = Duration.between(Instant.now(), end);
      Duration timeout = left.compareTo(deadline.attempt()) < 0 ? left : deadline.attempt();
      boolean last = !Instant.now().plus(pause).plus(Duration.ofMillis(10)).isBefore(end);
      try {
        if (timeout.toMillis() <= 0) {
          throw new HttpTimeoutException("deadline passed");
        }
        HttpResponse<T> response = http.send(request(call, timeout), handler);
        if (response.statusCode() < 300) {
          return new Exchanged<>(response, null);
        }
        Answer answer = errorOf.apply(response);
        if (!isTransient(answer)) {
          return new Exchanged<>(null, answer);
        }
        LOG.warnf(
            "Azure %s answered %d %s (attempt %d)",
            call.action, answer.status(), answer.code(), attempt);
        if (last) {
          throw new StorageUnavailableException(
              "Azure " + call.action,
              new IOException("answered " + answer.status() + " " + answer.code()),
              true);
        }
      } catch (IOException e) {
        if (last) {
          LOG.warnf("Azure %s got no answer: %s", call.action, e.toString());
          throw new StorageUnavailableException("Azure " + call.action, e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageUnavailableException("Azure " + call.action, e);
      }
      sleep(pause);
      pause = pause.multipliedBy(2);
    }
  }

  private static boolean isTransient(Answer answer) {
    return TRANSIENT_CODES.contains(answer.code())
        || StoreFailure.of(answer.status(), answer.code()) == StoreFailure.TRANSIENT;
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException("Azure call", e);
    }
  }

  private HttpRequest request(Call call, Duration timeout) {
    String path =
        AzureSigner.path(container) + (call.blob == null ? "" : "/" + AzureSigner.path(call.blob));
    String rawPath = account.blobEndpoint().getRawPath() + "/" + path;
    StringBuilder query = new StringBuilder();
    call.query.forEach(
        (name, value) ->
            query
                .append(query.length() == 0 ? "?" : "&")
                .append(name)
                .append('=')
                .append(AzureSigner.encode(value)));
    Map<String, String> headers = new LinkedHashMap<>(call.headers);
    headers.put("x-ms-date", AzureSigner.httpDate(Instant.now()));
    headers.put("x-ms-version", AzureSigner.VERSION);
    headers.put(
        "Authorization", signer.sharedKey(call.method, rawPath, call.query, headers, call.length));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(account.blobEndpoint() + "/" + path + query))
            .timeout(timeout)
            .method(
                call.method,
                call.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(call.body, 0, call.length));
    headers.forEach(
        (name, value) -> {
          if (!name.equalsIgnoreCase("content-length")) {
            request.header(name, value);
          }
        });
    return request.build();
  }

  /** The failure a refusal means: a refusal retrying cannot cure, or the store failing. */
  static RuntimeException failure(String action, Answer answer) {
    if (isTransient(answer)) {
      return new StorageUnavailableException(
          "Azure " + action, new IOException("answered " + answer.status()), true);
    }
    return new StorageRejectedException(
        "Azure " + action, answer.status(), answer.code(), answer.message());
  }
}
