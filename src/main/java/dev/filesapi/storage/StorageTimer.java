package dev.filesapi.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Times the service's calls to the object store ({@code files_storage_call_seconds} with tags
 * {@code operation} and {@code backend}), so request latency can be split into the service's own
 * work and the store's. Failed calls are timed too.
 */
@ApplicationScoped
public class StorageTimer {
  private final MeterRegistry registry;
  // One timer per backend and operation, looked up instead of built and registered per call.
  private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();

  public StorageTimer(MeterRegistry registry) {
    this.registry = registry;
  }

  public <T> T time(String backend, String operation, Supplier<T> call) {
    return timer(backend, operation).record(call);
  }

  public void time(String backend, String operation, Runnable call) {
    timer(backend, operation).record(call);
  }

  private Timer timer(String backend, String operation) {
    return timers
        .computeIfAbsent(backend, b -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            operation,
            o ->
                Timer.builder("files.storage.call")
                    .description("Calls to the object store made by the service, by operation")
                    .tag("operation", o)
                    .tag("backend", backend)
                    .register(registry));
  }
}
