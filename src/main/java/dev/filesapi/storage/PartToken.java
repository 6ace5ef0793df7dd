package dev.filesapi.storage;

/** A zero-based part number and the token (ETag) the store returned for its bytes. */
public record PartToken(int partNumber, String token) {}
