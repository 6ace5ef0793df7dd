package dev.filesapi.file;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer of {@code POST /files}. */
public record SimpleUploadResponse(
    @JsonProperty("is_valid") boolean isValid, String fileId, String fileUid) {}
