package dev.filesapi.upload;

import dev.filesapi.file.StoredFile;
import dev.filesapi.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The one owner of an upload's status: every change goes through here, is checked against {@link
 * UploadTransition}'s table (anything else is refused with an {@link IllegalStateException}), and
 * raises its log note, counter and webhook event once, through {@link UploadEvents}, in the
 * transaction that makes it.
 */
@ApplicationScoped
public class UploadLifecycle {
  private final UploadEvents events;
  private final EntityManager em;
  private final Clock clock;

  UploadLifecycle(UploadEvents events, EntityManager em, Clock clock) {
    this.events = events;
    this.em = em;
    this.clock = clock;
  }

  /** The clock at the database's precision. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Inserts a new upload, {@code in_progress}, in the caller's transaction. */
  void initiate(Upload upload) {
    upload.status = UploadTransition.INITIATE.to();
    upload.persist();
    events.raise(upload, UploadTransition.INITIATE, null);
  }

  /**
   * Moves a managed upload (loaded in the caller's transaction, row-locked by the caller) to a
   * status; the change commits with the caller's transaction.
   */
  void move(Upload upload, UploadStatus to) {
    UploadTransition transition = UploadTransition.of(upload.status, to);
    upload.status = to;
    upload.updatedAt = now();
    events.raise(upload, transition, null);
  }

  /**
   * {@code completing → completed} with the file it registers, in the caller's transaction: one
   * statement under the row's lock instead of loading the entity locked to change three columns;
   * the version moves as Hibernate would move it. The (unmanaged) upload is brought to the new
   * state.
   *
   * @return false when another drive of the same complete (another replica's) completed it first
   * @throws ApiException {@code 409 upload_not_in_progress} when it left completing another way
   */
  boolean complete(Upload upload, StoredFile file) {
    Instant at = file.createdAt;
    int changed =
        em.createNativeQuery(
                "update upload set status = ?1, updated_at = ?2, completed_at = ?2,"
                    + " version = version + 1 where id = ?3 and status = ?4")
            .setParameter(1, UploadTransition.COMPLETE.to().wireName())
            .setParameter(2, at)
            .setParameter(3, upload.id)
            .setParameter(4, UploadTransition.COMPLETE.from().wireName())
            .executeUpdate();
    if (changed == 0) {
      String status =
          (String)
              em.createNativeQuery("select status from upload where id = ?1")
                  .setParameter(1, upload.id)
                  .getSingleResult();
      if (UploadStatus.COMPLETED.wireName().equals(status)) {
        return false;
      }
      throw ApiException.conflict("upload_not_in_progress", "The upload is " + status);
    }
    upload.status = UploadStatus.COMPLETED;
    upload.updatedAt = at;
    upload.completedAt = at;
    upload.version++;
    events.raise(upload, UploadTransition.COMPLETE, file);
    return true;
  }

  /**
   * {@code completing → in_progress} in a transaction of its own: the store did not assemble it.
   */
  void reopen(Upload upload) {
    leaveCompleting(upload, UploadStatus.IN_PROGRESS, null);
  }

  /**
   * {@code completing → failed} in a transaction of its own, keeping why: a client whose complete
   * was answered {@code 202} learns it from its next complete ({@code 409} naming it) or from the
   * upload's view.
   *
   * @return the problem, for the caller to throw
   */
  ApiException fail(Upload upload, ApiException why) {
    leaveCompleting(upload, UploadStatus.FAILED, why);
    return why;
  }

  /** Moves an upload out of {@code completing}, unless another request already did. */
  private void leaveCompleting(Upload upload, UploadStatus to, ApiException why) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Upload current = Upload.findById(upload.id, LockModeType.PESSIMISTIC_WRITE);
              if (current.status == UploadStatus.COMPLETING) {
                if (why != null) {
                  current.failureCode = why.code();
                  current.failureDetail = why.getMessage();
                }
                move(current, to);
              }
            });
  }
}
