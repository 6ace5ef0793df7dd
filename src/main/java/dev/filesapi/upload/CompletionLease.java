package dev.filesapi.upload;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The lease between replicas on a complete: the replica driving an upload's complete holds it until
 * {@code completing_until}, renewed every quarter of {@code files.upload.complete-lease} while its
 * {@link CompletionWork} runs. A repeat on another replica waits while the lease holds instead of
 * asking the store to assemble the object a second time, and takes over once it lapses (the holder
 * died). The renewal also keeps {@code updated_at} fresh, so no janitor takes the upload for a
 * stuck one.
 */
@ApplicationScoped
public class CompletionLease {
  private final CompletionWork work;
  private final EntityManager em;
  private final Clock clock;
  private final UploadConfig config;
  private volatile long lastRenewal = System.nanoTime();

  CompletionLease(CompletionWork work, EntityManager em, Clock clock, UploadConfig config) {
    this.work = work;
    this.em = em;
    this.clock = clock;
    this.config = config;
  }

  /** Until when a complete this replica drives from now holds its upload. */
  Instant fromNow() {
    return now().plus(config.completeLease());
  }

  /** Whether the upload is completing under a lease that still holds. */
  boolean heldElsewhere(Upload upload) {
    return upload.status == UploadStatus.COMPLETING
        && upload.completingUntil != null
        && upload.completingUntil.isAfter(now());
  }

  /** Checked each second; renews every quarter of the lease while completes run here. */
  @Scheduled(
      identity = "files-complete-lease",
      every = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  void renewDue() {
    long now = System.nanoTime();
    if (!work.anyRunning() || now - lastRenewal < config.completeLease().toNanos() / 4) {
      return;
    }
    lastRenewal = now;
    renew();
  }

  /** Renews the lease of every complete running here, and keeps its upload fresh. */
  void renew() {
    List<String> ids = work.runningIds();
    if (ids.isEmpty()) {
      return;
    }
    Instant at = now();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                em.createNativeQuery(
                        "update upload set updated_at = ?1, completing_until = ?2"
                            + " where status = 'completing' and id in (?3)")
                    .setParameter(1, at)
                    .setParameter(2, at.plus(config.completeLease()))
                    .setParameter(3, ids)
                    .executeUpdate());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
