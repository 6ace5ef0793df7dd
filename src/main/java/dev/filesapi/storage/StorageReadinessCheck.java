package dev.filesapi.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the configured bucket answers; the database has Quarkus' own check.
 *
 * <p>The probe of the store runs on its own thread, one at a time, and a check waits for it at most
 * {@code files.storage.readiness.timeout}: a store that does not answer makes the service DOWN
 * within that time, however often the orchestrator asks. A finished probe's result is reused for
 * {@code files.storage.readiness.cache}, so frequent checks do not each call the store.
 */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {

  /** The readiness check's own timing; each key is documented in docs/configuration.md. */
  @ConfigMapping(prefix = "files.storage.readiness")
  public interface ReadinessConfig {
    /** How long a check waits for the store before answering DOWN. */
    @WithDefault("2s")
    Duration timeout();

    /** How long a finished probe's result is reused. */
    @WithDefault("3s")
    Duration cache();
  }

  /** What one probe of the store found. */
  private record Result(boolean up, String reason) {}

  /** One probe: its result once done, and when it finished. */
  private static final class Probe {
    final CompletableFuture<Result> result = new CompletableFuture<>();
    volatile long finishedAt;

    boolean freshAt(long now, long cacheNanos) {
      return !result.isDone() || now - finishedAt < cacheNanos;
    }
  }

  private final StorageBackend storage;
  private final long timeoutNanos;
  private final long cacheNanos;
  private final AtomicReference<Probe> latest = new AtomicReference<>();
  private final ExecutorService prober =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "storage-readiness");
            thread.setDaemon(true);
            return thread;
          });

  StorageReadinessCheck(StorageBackend storage, ReadinessConfig config) {
    this.storage = storage;
    this.timeoutNanos = config.timeout().toNanos();
    this.cacheNanos = config.cache().toNanos();
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("object-store").withData("backend", storage.name());
    Result result;
    try {
      result = probe().result.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result =
          new Result(
              false, "no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = new Result(false, "interrupted");
    } catch (ExecutionException e) {
      result = new Result(false, "probe failed");
    }
    if (result.up()) {
      return response.up().build();
    }
    return response.down().withData("reason", result.reason()).build();
  }

  /** The probe running now or finished lately, or a new one. */
  private Probe probe() {
    while (true) {
      Probe last = latest.get();
      if (last != null && last.freshAt(System.nanoTime(), cacheNanos)) {
        return last;
      }
      Probe next = new Probe();
      if (latest.compareAndSet(last, next)) {
        prober.execute(() -> run(next));
        return next;
      }
    }
  }

  private void run(Probe probe) {
    Result result;
    try {
      storage.checkReachable();
      result = new Result(true, null);
    } catch (StorageUnavailableException e) {
      result = new Result(false, "bucket unreachable");
    } catch (StorageRejectedException e) {
      result = new Result(false, "store refused: " + e.errorCode());
    } catch (RuntimeException e) {
      result = new Result(false, "probe failed: " + e.getClass().getSimpleName());
    }
    probe.finishedAt = System.nanoTime();
    probe.result.complete(result);
  }

  @PreDestroy
  void stop() {
    prober.shutdownNow();
  }
}
