package dev.filesapi.events;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /webhooks}. */
public record WebhookRequest(
    @NotNull
        @Schema(
            description =
                "Where events are POSTed: an https URL (http only where the deployment allows it)"
                    + " resolving to public addresses; at most 2048 characters",
            example = "https://hooks.example.com/files")
        String url,
    @Schema(description = "Free text, at most 500 characters", example = "ingest pipeline")
        String description,
    @Schema(
            description = "Event types to receive (at least one); omitted: every type",
            example = "[\"upload.completed\",\"file.deleted\"]")
        List<String> eventTypes,
    @Schema(description = "Default true", defaultValue = "true") Boolean enabled) {}
