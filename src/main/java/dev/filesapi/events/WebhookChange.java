package dev.filesapi.events;

import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code PATCH /webhooks/{id}}: what is absent stays as it is. {@code description} and
 * {@code event_types} may be null: no description, every event type.
 */
public record WebhookChange(
    @Schema(example = "https://hooks.example.com/files-v2") String url,
    @Schema(description = "null removes it", implementation = String.class)
        Optional<String> description,
    @Schema(
            description = "null: every type",
            implementation = String[].class,
            example = "[\"upload.completed\"]")
        Optional<List<String>> eventTypes,
    @Schema(description = "true enables a disabled endpoint again (its failures are forgotten)")
        Boolean enabled) {}
