package dev.filesapi.upload;

import static dev.filesapi.upload.UploadChecks.require;

import dev.filesapi.file.RegisteredFile;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoreDeadlines;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A complete request, from the resource to the store and back, in two phases. {@link
 * CompletionStart} marks the upload {@code completing} and commits; the second phase, {@link
 * #drive}, runs as {@link CompletionWork} in the background, since a store that copies the bytes
 * takes time in proportion to them: {@link StoreAssembly} has the store assemble the object and
 * {@link CompletionRegistration} registers it. The request waits up to {@code
 * files.upload.complete-wait} for it, else answers {@code 202} with the upload.
 *
 * <p>A complete converges: a repeat joins the work running on this replica, waits while another
 * replica's lease holds ({@link CompletionLease}), or, when none runs (a crash), drives it again
 * from what the store holds.
 */
@ApplicationScoped
public class UploadCompletion {
  /** How often a complete driven by another replica is looked at while waiting for it. */
  private static final long ELSEWHERE_POLL_MILLIS = 500;

  private final CompletionStart start;
  private final CompletionWork work;
  private final CompletionLease lease;
  private final StoreAssembly assembly;
  private final CompletionRegistration registration;
  private final UploadLifecycle lifecycle;
  private final UploadService uploads;
  private final StorageBackend storage;
  private final StorageTimer timer;
  private final UploadConfig config;
  private final StoreDeadlines deadlines;

  UploadCompletion(
      CompletionStart start,
      CompletionWork work,
      CompletionLease lease,
      StoreAssembly assembly,
      CompletionRegistration registration,
      UploadLifecycle lifecycle,
      UploadService uploads,
      StorageBackend storage,
      StorageTimer timer,
      UploadConfig config,
      StoreDeadlines deadlines) {
    this.start = start;
    this.work = work;
    this.lease = lease;
    this.assembly = assembly;
    this.registration = registration;
    this.lifecycle = lifecycle;
    this.uploads = uploads;
    this.storage = storage;
    this.timer = timer;
    this.config = config;
    this.deadlines = deadlines;
  }

  /**
   * What a complete request ends with: the registered file, or, while the store is still assembling
   * it, the upload as {@code GET /v1/files/uploads/{id}} shows it.
   */
  public record CompleteAnswer(RegisteredFile file, UploadView pending) {}

  public CompleteAnswer complete(String organizationId, String uploadId, CompleteRequest request) {
    return complete(
        organizationId, uploadId, request, System.nanoTime() + config.completeWait().toNanos());
  }

  /** As {@link #complete(String, String, CompleteRequest)}, waiting until {@code deadline}. */
  private CompleteAnswer complete(
      String organizationId, String uploadId, CompleteRequest request, long deadline) {
    CompletionStart.Start begun = start.begin(organizationId, uploadId, request);
    switch (begun.next()) {
      case ANSWER:
        return new CompleteAnswer(begun.file(), null);
      case AWAIT_ELSEWHERE:
        return awaitElsewhere(organizationId, uploadId, request, deadline);
      case DRIVE:
        CompletionStart.Plan plan = begun.plan();
        work.start(uploadId, begun.outcome(), () -> drive(plan));
        return await(organizationId, begun.upload(), begun.outcome(), deadline);
      case JOIN:
      default:
        return await(organizationId, begun.upload(), begun.outcome(), deadline);
    }
  }

  /**
   * The second phase, in the background: the store's assembly, then the registration, or the upload
   * back in progress or failed as the store's answers decide.
   */
  private RegisteredFile drive(CompletionStart.Plan plan) {
    Upload upload = plan.upload();
    StoreAssembly.Assembly result = assembly.assemble(upload, plan.tokens(), plan.redrive());
    switch (result.outcome()) {
      case ASSEMBLED:
        return registration.register(
            upload, result.object(), plan.checksum(), plan.apiKeyId(), plan.checkpointed());
      case INVALID_PARTS:
        lifecycle.reopen(upload);
        throw UploadProblems.invalidParts(result.partNumbers());
      case MISSING_PARTS:
        lifecycle.reopen(upload);
        throw UploadProblems.missingParts(result.partNumbers());
      case RETRY:
        lifecycle.reopen(upload);
        throw result.cause();
      case LOST:
        throw lifecycle.fail(upload, UploadProblems.storeLostUpload());
      case UNDECIDED:
      default:
        // Left completing: a repeated complete or the janitor settles it from the object.
        throw result.cause();
    }
  }

  /**
   * A complete another replica drives: the upload is polled until it leaves {@code completing} or
   * the holder's lease lapses (it died), and then completed here (the file, the failure, or a drive
   * of its own); {@code 202} with the upload when the wait ends first.
   */
  private CompleteAnswer awaitElsewhere(
      String organizationId, String uploadId, CompleteRequest request, long deadline) {
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return new CompleteAnswer(null, uploads.get(organizationId, uploadId));
      }
      try {
        Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(remaining) + 1, ELSEWHERE_POLL_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageUnavailableException("complete (interrupted)", e);
      }
      Upload upload =
          QuarkusTransaction.requiringNew().call(() -> require(organizationId, uploadId));
      if (!lease.heldElsewhere(upload)) {
        return complete(organizationId, uploadId, request, deadline);
      }
    }
  }

  /**
   * Waits for the complete's work up to {@code files.upload.complete-wait}. Meanwhile the store is
   * probed with a control call: a store that answers nothing at all is an outage ({@code 503}
   * within about 10 s, the work going on), a slow one that answers is not.
   */
  private CompleteAnswer await(
      String organizationId,
      Upload upload,
      CompletableFuture<RegisteredFile> outcome,
      long deadline) {
    long waitNanos = config.completeWait().toNanos();
    long probeEvery = Math.max(1, Math.min(waitNanos / 2, deadlines.control().total().toNanos()));
    work.waiting(outcome);
    try {
      return awaitUntil(organizationId, upload, outcome, deadline, probeEvery);
    } finally {
      work.doneWaiting(outcome);
    }
  }

  private CompleteAnswer awaitUntil(
      String organizationId,
      Upload upload,
      CompletableFuture<RegisteredFile> outcome,
      long deadline,
      long probeEvery) {
    while (true) {
      long remaining = deadline - System.nanoTime();
      try {
        if (remaining <= 0) {
          return outcome.isDone()
              ? new CompleteAnswer(outcome.get(), null)
              : new CompleteAnswer(null, uploads.get(organizationId, upload.id));
        }
        return new CompleteAnswer(
            outcome.get(Math.min(remaining, probeEvery), TimeUnit.NANOSECONDS), null);
      } catch (TimeoutException e) {
        if (deadline - System.nanoTime() > 0) {
          timer.time(upload.backend, "probe", storage::checkReachable);
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException failure
            ? failure
            : new IllegalStateException("complete failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageUnavailableException("complete (interrupted)", e);
      }
    }
  }
}
