package dev.filesapi.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Webhook delivery settings; every key is in docs/configuration.md. */
@ConfigMapping(prefix = "files.webhooks")
public interface WebhookConfig {
  /**
   * How often each replica's dispatcher looks for due deliveries ({@code off}: never). Read by the
   * dispatcher's {@code @Scheduled}; declared here so that the key belongs to the mapping.
   */
  @WithDefault("1s")
  String dispatchInterval();

  /**
   * Endpoints may resolve to loopback, private, link-local, CGNAT, unique-local, metadata,
   * multicast or unspecified addresses (tests, receivers inside the cluster).
   */
  @WithDefault("false")
  boolean allowPrivateTargets();

  /**
   * Base64 of 32 bytes: endpoints' signing secrets are stored encrypted with it (AES-256-GCM);
   * absent, they are stored as they are (and a warning says so at startup).
   */
  Optional<String> secretKey();

  /**
   * Keys that sealed secrets before {@link #secretKey()} replaced them: they only open, and each
   * replica re-seals what they sealed with the current key when it starts.
   */
  Optional<List<String>> previousSecretKeys();

  /** Endpoints may be {@code http://}; otherwise only {@code https://}. */
  @WithDefault("false")
  boolean allowHttp();

  /** How long one POST may take, connection included; longer is a failed attempt. */
  @WithDefault("10s")
  Duration timeout();

  /**
   * How long a claimed delivery belongs to the dispatcher that claimed it: another replica sends it
   * only once this has passed (the claimer died mid-POST). Must be longer than {@link #timeout()};
   * absent: twice the timeout plus 30 s.
   */
  Optional<Duration> lease();

  /**
   * The wait after the 1st, 2nd, … failed attempt; the last one repeats until {@link #retryFor()}
   * has passed since the delivery was created (or redelivered).
   */
  @WithDefault("5s,30s,2m,10m,30m,1h")
  List<Duration> retryDelays();

  /** How long a delivery is retried before it is failed. */
  @WithDefault("24h")
  Duration retryFor();

  /** Each wait is lengthened by a random fraction up to this, so retries do not arrive in step. */
  @WithDefault("0.2")
  double retryJitter();

  /**
   * An endpoint whose attempts have all failed for this long (and at least {@link
   * #disableAfterAttempts()} of them) is disabled.
   */
  @WithDefault("3d")
  Duration disableAfter();

  /** The least number of consecutive failed attempts before an endpoint is disabled. */
  @WithDefault("10")
  int disableAfterAttempts();

  /** Parallel POSTs of one replica's dispatcher: it claims this many deliveries at a time. */
  @WithDefault("8")
  int concurrency();

  /** Events (and their deliveries and attempts) are deleted this long after they happened. */
  @WithDefault("30d")
  Duration retention();

  /** Webhook endpoints one organization may have. */
  @WithDefault("20")
  int maxEndpointsPerOrganization();
}
