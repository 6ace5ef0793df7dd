package dev.filesapi.tenancy.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.filesapi.tenancy.ApiKey;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An API key as the admin API shows it. {@code key} is present only in the answer that created it:
 * the service keeps nothing but a hash.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // native image: create sends it in a hand-built Response
public record ApiKeyView(
    @Schema(example = "key_5m2k0a1b7c9d3e4f6g8h0j1k2m") String id,
    String organizationId,
    String name,
    @Schema(description = "The key's first characters, to recognise it", example = "fk_live_7q92")
        String keyPrefix,
    @Schema(description = "The secret; shown once, in the create response only") String key,
    Instant createdAt,
    Instant revokedAt) {

  static ApiKeyView of(ApiKey apiKey, String secret) {
    return new ApiKeyView(
        apiKey.id,
        apiKey.organizationId,
        apiKey.name,
        apiKey.keyPrefix,
        secret,
        apiKey.createdAt,
        apiKey.revokedAt);
  }
}
