package dev.filesapi.upload;

/** How many parts of the request were stored. */
public record CheckpointResponse(int numCheckpointed) {}
