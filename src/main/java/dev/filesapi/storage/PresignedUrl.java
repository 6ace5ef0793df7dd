package dev.filesapi.storage;

import java.time.Instant;

/** A URL whose holder may perform one kind of request until {@code expiresAt}. */
public record PresignedUrl(String url, Instant expiresAt) {}
