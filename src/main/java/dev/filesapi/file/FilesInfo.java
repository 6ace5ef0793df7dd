package dev.filesapi.file;

import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Totals over an organization's files. */
public record FilesInfo(
    long numFiles,
    long numBytes,
    long numIngested,
    @Schema(
            description =
                "Unix seconds of the organization's newest registration, replacement or"
                    + " deletion of a file; 0 when there has been none")
        BigDecimal lastUpdated) {}
