package dev.filesapi.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries, on every replica. A run claims up to {@code files.webhooks.concurrency} due
 * deliveries at a time with {@code FOR UPDATE SKIP LOCKED} and leases them (their next attempt
 * moves {@code files.webhooks.lease} ahead, past the POST's timeout), so two dispatchers never send
 * one delivery at once; each POST's outcome is committed as soon as it is known. A replica that
 * dies mid-POST leaves the lease to run out, and another replica sends again: delivery is at least
 * once.
 */
@ApplicationScoped
public class WebhookDispatcher {
  private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
  private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
  private static final int PURGE_BATCH = 1000;

  private final WebhookConfig config;
  private final Deliveries deliveries;
  private final WebhookTargets targets;
  private final WebhookSecrets secrets;
  private final Clock clock;
  private final MeterRegistry registry;
  private final RetrySchedule schedule;
  private final Duration lease;
  private final HttpClient http;
  private final ExecutorService senders;
  private final Timer attemptDuration;
  private final Timer deliveryLatency;

  /** Creation of the oldest pending delivery in epoch millis, -1 when none; read by a gauge. */
  private final AtomicLong oldestPending = new AtomicLong(-1);

  WebhookDispatcher(
      WebhookConfig config,
      Deliveries deliveries,
      WebhookTargets targets,
      WebhookSecrets secrets,
      Clock clock,
      MeterRegistry registry) {
    this.config = config;
    this.deliveries = deliveries;
    this.targets = targets;
    this.secrets = secrets;
    this.clock = clock;
    this.registry = registry;
    this.schedule = RetrySchedule.of(config);
    this.lease = lease(config);
    // No proxy (the SSRF check must judge the address actually connected to), no redirects.
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    AtomicInteger threads = new AtomicInteger();
    this.senders =
        Executors.newFixedThreadPool(
            config.concurrency(),
            runnable -> {
              Thread thread = new Thread(runnable, "webhook-sender-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.attemptDuration =
        Timer.builder("files.webhooks.attempt.duration")
            .description("Time of one webhook POST, until its answer's headers or the timeout")
            .register(registry);
    this.deliveryLatency =
        Timer.builder("files.webhooks.delivery.latency")
            .description("From the event to its delivery's 2xx answer, retries included")
            .register(registry);
    Gauge.builder("files.webhooks.pending.oldest.age", oldestPending, this::ageSeconds)
        .description("Age of the oldest delivery not yet delivered or failed (0: none)")
        .baseUnit("seconds")
        .register(registry);
  }

  /**
   * The lease of a claim: it must outlast the POST, or another replica could send the delivery
   * while the first still waits for its answer.
   */
  static Duration lease(WebhookConfig config) {
    Duration lease = config.lease().orElse(config.timeout().multipliedBy(2).plus(LEASE_MARGIN));
    if (lease.compareTo(config.timeout()) <= 0) {
      throw new IllegalArgumentException(
          "files.webhooks.lease ("
              + lease
              + ") must be longer than files.webhooks.timeout ("
              + config.timeout()
              + ")");
    }
    return lease;
  }

  /** Checks the settings when the application starts, not at the first dispatch. */
  void validateAtStartup(@Observes StartupEvent event) {
    LOG.debugf("webhook deliveries are leased for %s", lease);
  }

  @PreDestroy
  void stop() {
    senders.shutdownNow();
  }

  @Scheduled(
      identity = "files-webhooks",
      every = "${files.webhooks.dispatch-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  void run() {
    try {
      dispatchDue();
    } catch (RuntimeException e) {
      LOG.warnf("webhook dispatch failed, retrying next time: %s", e.getMessage());
    }
  }

  @Scheduled(
      identity = "files-webhooks-retention",
      every = "1h",
      delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  void purge() {
    try {
      Instant before = clock.instant().minus(config.retention());
      while (QuarkusTransaction.requiringNew().call(() -> deliveries.purge(before, PURGE_BATCH))
          == PURGE_BATCH) {
        // another batch
      }
    } catch (RuntimeException e) {
      LOG.warnf("purging old events failed, retrying next time: %s", e.getMessage());
    }
  }

  /**
   * Sends every delivery due now, a claim at a time, until none is due; safe to run on many
   * replicas and threads at once.
   *
   * @return the number of POSTs made
   */
  public int dispatchDue() {
    int attempted = 0;
    while (true) {
      Instant now = now();
      Instant until = now.plus(lease);
      List<Deliveries.Claimed> batch =
          QuarkusTransaction.requiringNew()
              .call(() -> deliveries.claim(now, until, config.concurrency()));
      List<Future<?>> sent = new ArrayList<>(batch.size());
      for (Deliveries.Claimed delivery : batch) {
        sent.add(senders.submit(() -> attempt(delivery)));
      }
      for (Future<?> each : sent) {
        try {
          each.get();
        } catch (ExecutionException e) {
          LOG.warnf("a webhook attempt could not be recorded: %s", e.getCause().toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return attempted;
        }
      }
      attempted += batch.size();
      if (batch.size() < config.concurrency()) {
        break;
      }
    }
    Optional<Instant> oldest = QuarkusTransaction.requiringNew().call(deliveries::oldestPending);
    oldestPending.set(oldest.map(Instant::toEpochMilli).orElse(-1L));
    return attempted;
  }

  /** What one POST came to. */
  private record Result(String outcome, Integer status, String error) {
    boolean delivered() {
      return outcome.equals("delivered");
    }
  }

  private void attempt(Deliveries.Claimed delivery) {
    Instant at = now();
    long start = System.nanoTime();
    Result result = post(delivery, at);
    long nanos = System.nanoTime() - start;
    attemptDuration.record(nanos, TimeUnit.NANOSECONDS);
    Counter.builder("files.webhooks.attempts")
        .description(
            "Webhook POSTs by outcome: delivered, http_error, timeout, connection_error, refused,"
                + " secret_unavailable")
        .tag("outcome", result.outcome())
        .register(registry)
        .increment();
    settle(delivery, at, TimeUnit.NANOSECONDS.toMillis(nanos), result);
  }

  private Result post(Deliveries.Claimed delivery, Instant at) {
    CompletableFuture<HttpResponse<InputStream>> pending = null;
    try {
      URI uri = URI.create(delivery.url());
      targets.requirePublic(uri);
      String secret = secrets.open(delivery.endpointId(), delivery.storedSecret());
      long timestamp = at.getEpochSecond();
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(config.timeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "files-api-webhooks")
              .header("webhook-id", delivery.eventId())
              .header("webhook-timestamp", Long.toString(timestamp))
              .header(
                  "webhook-signature",
                  WebhookSignatures.sign(secret, delivery.eventId(), timestamp, delivery.body()))
              .POST(HttpRequest.BodyPublishers.ofString(delivery.body(), StandardCharsets.UTF_8))
              .build();
      // Complete at the answer's headers; the body is not read.
      pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
      HttpResponse<InputStream> response =
          pending.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      response.body().close();
      int status = response.statusCode();
      return new Result(status / 100 == 2 ? "delivered" : "http_error", status, null);
    } catch (WebhookTargets.RefusedTargetException e) {
      return new Result("refused", null, "target refused: " + e.getMessage());
    } catch (SecretCipher.UnreadableSecretException e) {
      return new Result("secret_unavailable", null, "not signed: " + e.getMessage());
    } catch (TimeoutException e) {
      pending.cancel(true);
      return timedOut();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HttpTimeoutException) {
        return timedOut();
      }
      return new Result("connection_error", null, "could not send: " + describe(e.getCause()));
    } catch (IOException | IllegalArgumentException e) {
      return new Result("connection_error", null, "could not send: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (pending != null) {
        pending.cancel(true);
      }
      return new Result("connection_error", null, "interrupted (the service is stopping)");
    }
  }

  private Result timedOut() {
    return new Result("timeout", null, "no answer within " + config.timeout().toMillis() + " ms");
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Commits the attempt and what follows from it: delivered, retried later, failed, disabled. */
  private void settle(Deliveries.Claimed delivery, Instant at, long durationMs, Result result) {
    Instant finished = now();
    String settled =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  deliveries.logAttempt(delivery, at, durationMs, result.status(), result.error());
                  if (result.delivered()) {
                    if (!deliveries.settle(delivery, finished, Deliveries.DELIVERED, null)) {
                      return null;
                    }
                    deliveries.endpointAnswered(delivery.endpointId());
                    return Deliveries.DELIVERED;
                  }
                  Optional<Instant> next =
                      schedule.next(
                          delivery.attempts() + 1,
                          delivery.retryFrom(),
                          finished,
                          ThreadLocalRandom.current()::nextDouble);
                  String status = next.isPresent() ? Deliveries.PENDING : Deliveries.FAILED;
                  if (!deliveries.settle(delivery, finished, status, next.orElse(null))) {
                    return null;
                  }
                  deliveries
                      .endpointFailed(delivery.endpointId(), finished)
                      .filter(failing -> failingTooLong(failing, finished))
                      .ifPresent(
                          failing -> {
                            String reason =
                                "every attempt failed since "
                                    + failing.since()
                                    + " ("
                                    + failing.consecutiveFailures()
                                    + " attempts)";
                            deliveries.disable(delivery.endpointId(), reason, finished);
                            LOG.warnf("webhook %s disabled: %s", delivery.endpointId(), reason);
                          });
                  return status;
                });
    if (Deliveries.DELIVERED.equals(settled) || Deliveries.FAILED.equals(settled)) {
      Counter.builder("files.webhooks.deliveries")
          .description("Deliveries settled: delivered, or failed after every retry")
          .tag("outcome", settled)
          .register(registry)
          .increment();
    }
    if (Deliveries.DELIVERED.equals(settled)) {
      deliveryLatency.record(Duration.between(delivery.createdAt(), finished));
    }
  }

  private boolean failingTooLong(Deliveries.Failing failing, Instant now) {
    return failing.consecutiveFailures() >= config.disableAfterAttempts()
        && !failing.since().isAfter(now.minus(config.disableAfter()));
  }

  private double ageSeconds(AtomicLong oldest) {
    long created = oldest.get();
    return created < 0 ? 0 : Math.max(0, clock.millis() - created) / 1000.0;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
