package dev.filesapi.upload;

import dev.filesapi.events.EventData;
import dev.filesapi.events.Events;
import dev.filesapi.file.FileEventData;
import dev.filesapi.file.StoredFile;
import dev.filesapi.observability.RequestNotes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What happens to uploads, told three times: a log note per state change (upload id, organization,
 * from → to; never a secret), at the end of the request's one log line when an API request made it,
 * else a line of its own, Prometheus counters by backend, and the events of the organization's
 * webhooks (written into the transaction of the change).
 */
@ApplicationScoped
public class UploadEvents {
  private static final Logger LOG = Logger.getLogger(UploadEvents.class);

  private final MeterRegistry registry;
  private final Events outbox;
  private final Map<String, Map<String, Counter>> uploads = new ConcurrentHashMap<>();
  private final Map<String, Counter> completedBytes = new ConcurrentHashMap<>();
  private final Map<String, Counter> presigned = new ConcurrentHashMap<>();

  UploadEvents(MeterRegistry registry, Events outbox) {
    this.registry = registry;
    this.outbox = outbox;
  }

  /**
   * Tells of one status change, in the transaction that made it: the log note, the counter, and the
   * transition's webhook event, if it has one ({@code upload.completed} carries the file it
   * registers). Only {@link UploadLifecycle} calls it.
   *
   * @param file the registered file for {@link UploadTransition#COMPLETE}, else null
   */
  void raise(Upload upload, UploadTransition transition, StoredFile file) {
    if (LOG.isInfoEnabled()) {
      String line =
          "upload "
              + upload.id
              + " org "
              + upload.organizationId
              + ": "
              + (transition.from() == null ? "new" : transition.from().wireName())
              + " -> "
              + transition.to().wireName();
      // In the request's one line when there is one (RequestLog), else a line of its own.
      if (!RequestNotes.add(line)) {
        LOG.info(line);
      }
    }
    uploadCounter(transition.counted(), upload.backend).increment();
    if (transition == UploadTransition.COMPLETE) {
      completedBytes
          .computeIfAbsent(upload.backend, this::completedBytesCounter)
          .increment(upload.numBytes);
    }
    transition
        .event()
        .ifPresent(
            type ->
                outbox.record(
                    upload.organizationId,
                    type,
                    new EventData.UploadEvent(
                        data(upload), file == null ? null : FileEventData.of(file))));
  }

  private static EventData.UploadData data(Upload upload) {
    return new EventData.UploadData(
        upload.id,
        upload.fileUid,
        upload.filename,
        upload.fileType,
        upload.numBytes,
        upload.numParts,
        upload.status.wireName(),
        upload.createdAt,
        upload.expiresAt,
        upload.failureCode == null
            ? null
            : new EventData.Failure(upload.failureCode, upload.failureDetail));
  }

  void partsPresigned(String backend, int count) {
    presigned.computeIfAbsent(backend, this::presignedCounter).increment(count);
  }

  // Meters are looked up once per tag set, not built and registered on every state change.

  private Counter uploadCounter(String event, String backend) {
    return uploads
        .computeIfAbsent(backend, b -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            event,
            e ->
                Counter.builder("files.uploads")
                    .description(
                        "Upload state changes: initiated, completing, completed, aborted, expired,"
                            + " failed")
                    .tag("event", e)
                    .tag("backend", backend)
                    .register(registry));
  }

  private Counter completedBytesCounter(String backend) {
    return Counter.builder("files.uploads.completed.bytes")
        .description("Bytes of completed uploads")
        .baseUnit("bytes")
        .tag("backend", backend)
        .register(registry);
  }

  private Counter presignedCounter(String backend) {
    return Counter.builder("files.parts.presigned")
        .description("Part URLs presigned")
        .tag("backend", backend)
        .register(registry);
  }
}
