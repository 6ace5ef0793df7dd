package dev.filesapi.storage;

/** A part as the store lists it: zero-based number, token (ETag) and size. */
public record StoredPart(int partNumber, String token, long size) {}
