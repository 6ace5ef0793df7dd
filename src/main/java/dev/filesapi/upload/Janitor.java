package dev.filesapi.upload;

import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageUnavailableException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Expires uploads past {@code expires_at} and repairs uploads left {@code completing} by a crash.
 * Safe on every replica at once: rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so two
 * janitors never handle the same upload, and no store call runs while a row is locked.
 */
@ApplicationScoped
public class Janitor {
  private static final Logger LOG = Logger.getLogger(Janitor.class);

  private final CompletionRegistration registration;
  private final CompletionWork work;
  private final UploadService uploads;
  private final UploadLifecycle lifecycle;
  private final UploadParts parts;
  private final StorageBackend storage;
  private final JanitorConfig config;
  private final EntityManager em;
  private final Clock clock;

  Janitor(
      CompletionRegistration registration,
      CompletionWork work,
      UploadService uploads,
      UploadLifecycle lifecycle,
      UploadParts parts,
      StorageBackend storage,
      JanitorConfig config,
      EntityManager em,
      Clock clock) {
    this.registration = registration;
    this.work = work;
    this.uploads = uploads;
    this.lifecycle = lifecycle;
    this.parts = parts;
    this.storage = storage;
    this.config = config;
    this.em = em;
    this.clock = clock;
  }

  @Scheduled(
      identity = "files-janitor",
      every = "${files.janitor.interval:60s}",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  void run() {
    Instant now = clock.instant();
    try {
      expireDue(now);
      repairStuck(now);
    } catch (RuntimeException e) {
      LOG.warnf("janitor run failed, retrying next time: %s", e.getMessage());
    }
  }

  /** Expires every in-progress upload whose {@code expires_at} is before {@code now}. */
  public int expireDue(Instant now) {
    int expired = 0;
    while (true) {
      List<Upload> batch =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    List<Upload> claimed =
                        claim(
                            "status = 'in_progress' and expires_at < ?1 order by expires_at", now);
                    for (Upload upload : claimed) {
                      lifecycle.move(upload, UploadStatus.EXPIRED);
                      parts.deleteAll(upload.id);
                    }
                    return claimed;
                  });
      for (Upload upload : batch) {
        uploads.abortInStoreQuietly(upload, "expired");
        // A complete that timed out may still have assembled the object (issue 24): no orphan.
        uploads.deleteObjectQuietly(upload, "expired");
      }
      expired += batch.size();
      if (batch.size() < config.batchSize()) {
        return expired;
      }
    }
  }

  /**
   * Settles uploads stuck in {@code completing} for longer than the grace period by asking the
   * store: the object is there with the right size → screened by the pre-complete hook, then
   * completed with its file (refused → failed; hook unavailable → left for a later round); the
   * multipart upload is still open → back to in_progress; neither → failed.
   *
   * @return how many uploads left {@code completing}
   */
  public int repairStuck(Instant now) {
    Instant cutoff = now.minus(config.completingGrace());
    List<Upload> stuck =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  List<Upload> claimed =
                      claim(
                          "status = 'completing' and updated_at < ?1 order by updated_at", cutoff);
                  // Touching updated_at keeps other replicas off these rows for a grace period.
                  claimed.forEach(upload -> upload.updatedAt = now.truncatedTo(ChronoUnit.MICROS));
                  return claimed;
                });
    int repaired = 0;
    for (Upload upload : stuck) {
      if (work.isRunning(upload.id)) {
        continue; // this replica's complete is still assembling it
      }
      try {
        if (repair(upload)) {
          repaired++;
        }
      } catch (StorageUnavailableException e) {
        LOG.warnf("upload %s: store unavailable, repair retried later", upload.id);
      } catch (StorageRejectedException e) {
        LOG.errorf("upload %s: repair retried later; %s", upload.id, e.getMessage());
      }
    }
    return repaired;
  }

  /**
   * @return whether the upload left {@code completing}
   */
  private boolean repair(Upload upload) {
    Optional<ObjectStat> object = storage.stat(upload.storageKey);
    if (object.isPresent() && StoreAssembly.assembled(upload, object.get())) {
      // Screened by the pre-complete hook like a client's complete, before it is registered.
      return registration.settleAssembled(upload);
    }
    boolean partsHeld;
    try {
      // A completing upload had a token for every part; an open upload holding none of them
      // (some stores list an aborted upload as empty) cannot be completed any more either.
      partsHeld = !storage.listParts(upload.storageKey, upload.backendUploadId).isEmpty();
    } catch (NoSuchUploadException e) {
      partsHeld = false;
    }
    if (partsHeld) {
      lifecycle.reopen(upload);
    } else {
      lifecycle.fail(upload, UploadProblems.storeLostUpload());
    }
    return true;
  }

  /** Locks and loads a batch of uploads other transactions have not locked. */
  private List<Upload> claim(String condition, Instant at) {
    @SuppressWarnings("unchecked")
    List<String> ids =
        em.createNativeQuery(
                "select id from upload where "
                    + condition
                    + " limit "
                    + config.batchSize()
                    + " for update skip locked")
            .setParameter(1, at)
            .getResultList();
    List<Upload> claimed = new ArrayList<>(ids.size());
    for (String id : ids) {
      claimed.add(Upload.findById(id));
    }
    return claimed;
  }
}
