package dev.filesapi.upload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * What happens to uploads, told twice: one log line per state change (upload id, organization, from
 * → to; never a secret) and Prometheus counters by backend.
 */
@ApplicationScoped
public class UploadEvents {
  private static final Logger LOG = Logger.getLogger(UploadEvents.class);

  private final MeterRegistry registry;

  UploadEvents(MeterRegistry registry) {
    this.registry = registry;
  }

  /** An upload entered a state ({@code from} is null for a new upload). */
  void transitioned(Upload upload, UploadStatus from, UploadStatus to) {
    if (LOG.isInfoEnabled()) {
      LOG.info(
          "upload "
              + upload.id
              + " org "
              + upload.organizationId
              + ": "
              + (from == null ? "new" : from.wireName())
              + " -> "
              + to.wireName());
    }
    String event =
        from == null ? "initiated" : to == UploadStatus.IN_PROGRESS ? "reopened" : to.wireName();
    Counter.builder("files.uploads")
        .description(
            "Upload state changes: initiated, completing, completed, aborted, expired, failed")
        .tag("event", event)
        .tag("backend", upload.backend)
        .register(registry)
        .increment();
    if (to == UploadStatus.COMPLETED) {
      Counter.builder("files.uploads.completed.bytes")
          .description("Bytes of completed uploads")
          .baseUnit("bytes")
          .tag("backend", upload.backend)
          .register(registry)
          .increment(upload.numBytes);
    }
  }

  void partsPresigned(String backend, int count) {
    Counter.builder("files.parts.presigned")
        .description("Part URLs presigned")
        .tag("backend", backend)
        .register(registry)
        .increment(count);
  }
}
