package dev.filesapi.events;

import java.util.List;

/** Answer of {@code GET /webhooks}: every endpoint of the organization, oldest first. */
public record WebhookList(List<WebhookView> webhooks) {}
