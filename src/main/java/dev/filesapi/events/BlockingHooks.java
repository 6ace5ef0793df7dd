package dev.filesapi.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.database.Ids;
import dev.filesapi.problem.ApiException;
import dev.filesapi.tenancy.Caller;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The operators' blocking hooks, asked synchronously: {@code pre-initiate} before an upload is
 * created, {@code pre-complete} (with a presigned GET of the assembled object) before its file is
 * registered. A 2xx answer allows, a 4xx refuses (its JSON {@code reason}, if any, is passed on);
 * anything else, or no answer within the timeout, refuses with 503 unless the hooks fail open.
 */
@ApplicationScoped
public class BlockingHooks {
  private static final Logger LOG = Logger.getLogger(BlockingHooks.class);
  private static final int MAX_REASON = 500;
  private static final int MAX_ANSWER_BYTES = 16 * 1024;

  private final HookConfig config;
  private final ObjectMapper json;
  private final Clock clock;
  private final HttpClient http;

  BlockingHooks(HookConfig config, ObjectMapper json, Clock clock) {
    this.config = config;
    this.json = json;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The upload a hook is asked about. */
  @RegisterForReflection
  public record HookUpload(
      String uploadId, String fileUid, String fileName, String fileType, long numBytes) {}

  @RegisterForReflection
  @JsonPropertyOrder({
    "type",
    "organization_id",
    "api_key_id",
    "upload",
    "download_url",
    "download_url_expires_at"
  })
  record HookRequest(
      String type,
      String organizationId,
      String apiKeyId,
      HookUpload upload,
      URI downloadUrl,
      Instant downloadUrlExpiresAt) {}

  /** What a hook decided; {@code reason} is the hook's own words, when it gave some. */
  public record Verdict(boolean allowed, String reason) {
    static final Verdict ALLOWED = new Verdict(true, null);

    /** Throws {@code rejected_by_hook} with this status unless allowed. */
    public void requireAllowed(int status) {
      if (!allowed) {
        throw rejected(status, reason);
      }
    }
  }

  /** The problem of a refusal by a hook. */
  public static ApiException rejected(int status, String reason) {
    return ApiException.of(
        status,
        "rejected_by_hook",
        "Refused by the operator's hook" + (reason == null ? "" : ": " + reason));
  }

  /** Asks the pre-initiate hook, if one is configured. */
  public Verdict preInitiate(String organizationId, HookUpload upload) {
    if (config.preInitiateUrl().isEmpty()) {
      return Verdict.ALLOWED;
    }
    return ask(
        "pre-initiate",
        config.preInitiateUrl().get(),
        new HookRequest("hook.pre_initiate", organizationId, callerKeyId(), upload, null, null),
        "retry later");
  }

  /**
   * Asks the pre-complete hook, if one is configured, with a presigned GET of the object. When the
   * hook cannot be asked (and hooks fail closed), the 503 thrown says the upload has failed: the
   * caller deletes the object, since the store's multipart upload is gone and an object nobody
   * screened must not be registered.
   *
   * @param downloadUrl presigns a GET of the assembled object for the given lifetime
   */
  public Verdict preComplete(
      String organizationId,
      HookUpload upload,
      java.util.function.Function<java.time.Duration, URI> downloadUrl) {
    return preComplete(organizationId, callerKeyId(), upload, downloadUrl);
  }

  /**
   * {@link #preComplete(String, HookUpload, java.util.function.Function)} for work that runs after
   * the request that asked for it (a complete's background work): its caller's key id, captured in
   * the request, or null.
   */
  public Verdict preComplete(
      String organizationId,
      String apiKeyId,
      HookUpload upload,
      java.util.function.Function<java.time.Duration, URI> downloadUrl) {
    if (config.preCompleteUrl().isEmpty()) {
      return Verdict.ALLOWED;
    }
    Instant expires = clock.instant().plus(config.downloadUrlTtl());
    return ask(
        "pre-complete",
        config.preCompleteUrl().get(),
        new HookRequest(
            "hook.pre_complete",
            organizationId,
            apiKeyId,
            upload,
            downloadUrl.apply(config.downloadUrlTtl()),
            expires),
        "the file was not registered and the upload has failed: upload it again later");
  }

  /**
   * The id of the API key of the request being served, or null outside one (the janitor's repair of
   * an interrupted complete asks pre-complete on its own).
   */
  public static String callerKeyId() {
    ArcContainer container = Arc.container();
    if (container == null || !container.requestContext().isActive()) {
      return null;
    }
    return container.instance(Caller.class).get().keyIdIfKnown().orElse(null);
  }

  /** What an answer (or its absence) means; pure. */
  static Optional<Verdict> verdictOf(int status, String reason) {
    if (status >= 200 && status < 300) {
      return Optional.of(Verdict.ALLOWED);
    }
    if (status >= 400 && status < 500) {
      return Optional.of(new Verdict(false, reason));
    }
    return Optional.empty();
  }

  /**
   * @param consequence what a refusal for want of an answer means for the client
   */
  private Verdict ask(String hook, String url, HookRequest request, String consequence) {
    String body;
    try {
      body = json.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("hook request is not JSON", e);
    }
    String id = Ids.generate("msg_");
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "files-api-hooks")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(timestamp))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    config
        .secret()
        .ifPresent(
            secret ->
                builder.header(
                    "webhook-signature", WebhookSignatures.sign(secret, id, timestamp, body)));
    String failure;
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    try {
      HttpResponse<byte[]> answer = pending.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      Optional<Verdict> verdict = verdictOf(answer.statusCode(), reason(answer.body()));
      if (verdict.isPresent()) {
        return verdict.get();
      }
      failure = "answered " + answer.statusCode();
    } catch (TimeoutException e) {
      pending.cancel(true);
      failure = "no answer within " + config.timeout().toMillis() + " ms";
    } catch (ExecutionException e) {
      failure = "could not be reached: " + e.getCause().getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    }
    if (config.failOpen()) {
      LOG.warnf("%s hook %s; allowed (files.hooks.fail-open)", hook, failure);
      return Verdict.ALLOWED;
    }
    LOG.warnf("%s hook %s; refused with 503", hook, failure);
    throw ApiException.withHeaders(
        503,
        "hook_unavailable",
        "The operator's " + hook + " hook could not be asked; " + consequence,
        Map.of("Retry-After", "5"));
  }

  /** The {@code reason} of a refusal's JSON body, cut short and without control characters. */
  private String reason(byte[] body) {
    if (body == null || body.length == 0 || body.length > MAX_ANSWER_BYTES) {
      return null;
    }
    try {
      JsonNode reason = json.readTree(body).path("reason");
      if (!reason.isTextual()) {
        return null;
      }
      String text = reason.asText().replaceAll("\\p{Cntrl}", " ").strip();
      return text.isEmpty() ? null : text.substring(0, Math.min(text.length(), MAX_REASON));
    } catch (IOException e) {
      return null;
    }
  }
}
