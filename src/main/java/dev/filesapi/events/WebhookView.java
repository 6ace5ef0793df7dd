package dev.filesapi.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A webhook endpoint as the API shows it; {@code secret} only when it was just made. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // native image: create sends it in a hand-built Response
public record WebhookView(
    @Schema(example = "whk_3k9m2p7q1r5t8v0w4x6y9z2a3b") String id,
    @Schema(example = "https://hooks.example.com/files") String url,
    String description,
    @Schema(
            description = "The event types it receives; absent: every type",
            example = "[\"upload.completed\",\"file.deleted\"]")
        List<String> eventTypes,
    @Schema(description = "false: nothing is sent (see disabled_reason)") boolean enabled,
    @Schema(
            description = "Why the service disabled it (failing for days); absent otherwise",
            example = "every attempt failed since 2026-11-28T10:00:00Z (41 attempts)")
        String disabledReason,
    Instant createdAt,
    Instant updatedAt,
    @Schema(
            description =
                "The signing secret (whsec_…): only in the answers of create and rotate-secret",
            example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        String secret) {

  /** The endpoint as shown, with its new secret in plain when given (create, rotate-secret). */
  static WebhookView of(WebhookEndpoint endpoint, String newSecret) {
    return new WebhookView(
        endpoint.id,
        endpoint.url,
        endpoint.description,
        endpoint.eventTypes == null ? null : List.of(endpoint.eventTypes),
        endpoint.enabled,
        endpoint.disabledReason,
        endpoint.createdAt,
        endpoint.updatedAt,
        newSecret);
  }
}
