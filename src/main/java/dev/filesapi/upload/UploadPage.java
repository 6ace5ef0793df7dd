package dev.filesapi.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of uploads, newest first. */
public record UploadPage(
    List<UploadView> uploads,
    @JsonInclude(JsonInclude.Include.ALWAYS)
        @Schema(
            nullable = true,
            description = "Pass as `cursor` for the next page; null on the last page")
        String nextCursor) {}
