package dev.filesapi.upload;

import dev.filesapi.file.RegisteredFile;
import dev.filesapi.observability.RequestNotes;
import dev.filesapi.problem.ApiException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The completes this replica is running in the background: the store's assembly of an object may
 * outlast any request (it grows with the bytes), so it runs here, bounded, while requests wait for
 * it, and a repeated complete joins it instead of starting another. {@link CompletionLease} tells
 * the other replicas, while one runs, that this replica drives it.
 */
@ApplicationScoped
public class CompletionWork {
  /** Completes running at once; most of their time is spent waiting on the store. */
  private static final int THREADS = 16;

  private static final int QUEUED = 1_000;

  /** Where the state changes of background work are logged when no request takes them. */
  private static final Logger EVENTS_LOG = Logger.getLogger(UploadEvents.class);

  private final Map<String, CompletableFuture<RegisteredFile>> running = new ConcurrentHashMap<>();
  private final Map<CompletableFuture<RegisteredFile>, StringBuilder> notes =
      new ConcurrentHashMap<>();
  private final Map<CompletableFuture<RegisteredFile>, AtomicInteger> waiting =
      new ConcurrentHashMap<>();
  private final ThreadPoolExecutor executor;

  CompletionWork() {
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            task -> {
              Thread thread = new Thread(task, "files-complete-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** A claim on an upload's complete: the running one, or a new one the claimant must start. */
  record Claim(CompletableFuture<RegisteredFile> outcome, boolean owner) {}

  /**
   * The upload's running complete on this replica, or a new (not yet started) one owned by the
   * caller, who must {@link #start} or {@link #abandon} it. Called with the upload's row locked, so
   * two requests never both own one.
   */
  Claim claim(String uploadId) {
    CompletableFuture<RegisteredFile> created = new CompletableFuture<>();
    CompletableFuture<RegisteredFile> existing = running.putIfAbsent(uploadId, created);
    return existing != null ? new Claim(existing, false) : new Claim(created, true);
  }

  boolean isRunning(String uploadId) {
    return running.containsKey(uploadId);
  }

  /**
   * Runs an owned claim's work in the background; it leaves the registry when it ends. Its state
   * changes go into the log line of a request that waits for it ({@link #doneWaiting}), or, when
   * none is waiting any more, into lines of their own.
   */
  void start(
      String uploadId, CompletableFuture<RegisteredFile> outcome, Supplier<RegisteredFile> work) {
    StringBuilder collected = new StringBuilder();
    notes.put(outcome, collected);
    try {
      executor.execute(
          () -> {
            try {
              RegisteredFile file = RequestNotes.deferred(collected, work);
              running.remove(uploadId, outcome);
              outcome.complete(file);
            } catch (Throwable e) {
              running.remove(uploadId, outcome);
              outcome.completeExceptionally(e);
            }
            if (waiters(outcome).get() == 0) {
              logNotes(outcome);
            }
          });
    } catch (RejectedExecutionException e) {
      abandon(
          uploadId,
          outcome,
          ApiException.withHeaders(
              503,
              "complete_busy",
              "This replica is running as many completes as it can; send the complete again",
              Map.of("Retry-After", "5")));
    }
  }

  /** A request starts waiting for the work. */
  void waiting(CompletableFuture<RegisteredFile> outcome) {
    waiters(outcome).incrementAndGet();
  }

  /**
   * A request stops waiting; once the work has ended, its notes go into this request's line (the
   * first request to take them).
   */
  void doneWaiting(CompletableFuture<RegisteredFile> outcome) {
    waiters(outcome).decrementAndGet();
    if (outcome.isDone()) {
      StringBuilder taken = takeNotes(outcome);
      if (taken != null && !taken.isEmpty() && !RequestNotes.add(taken.toString())) {
        EVENTS_LOG.info(taken);
      }
    }
  }

  private AtomicInteger waiters(CompletableFuture<RegisteredFile> outcome) {
    return waiting.computeIfAbsent(outcome, key -> new AtomicInteger());
  }

  /** The work's notes, once: null when another request (or the work itself) took them. */
  private StringBuilder takeNotes(CompletableFuture<RegisteredFile> outcome) {
    StringBuilder taken = notes.remove(outcome);
    waiting.remove(outcome);
    return taken;
  }

  private void logNotes(CompletableFuture<RegisteredFile> outcome) {
    StringBuilder taken = takeNotes(outcome);
    if (taken != null && !taken.isEmpty()) {
      EVENTS_LOG.info(taken);
    }
  }

  /** Gives up an owned claim nobody waits on: another replica drives the upload's complete. */
  void release(String uploadId, CompletableFuture<RegisteredFile> outcome) {
    running.remove(uploadId, outcome);
    outcome.cancel(false);
  }

  /** Gives up an owned claim that was never started. */
  void abandon(String uploadId, CompletableFuture<RegisteredFile> outcome, Throwable why) {
    running.remove(uploadId, outcome);
    outcome.completeExceptionally(why);
    logNotes(outcome);
  }

  /** Whether any complete runs here. */
  boolean anyRunning() {
    return !running.isEmpty();
  }

  /** The uploads whose complete runs here. */
  List<String> runningIds() {
    return List.copyOf(running.keySet());
  }

  @PreDestroy
  void stop() {
    // An interrupted complete leaves its upload completing: a repeated complete or the janitor
    // finishes it from what the store holds.
    executor.shutdownNow();
  }
}
