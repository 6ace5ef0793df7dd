package dev.filesapi.support;

import dev.filesapi.upload.Crc32cComputingStore;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * One application start for the test classes that each need a setting other than the test
 * profile's, where those settings do not get in each other's way: every distinct profile is one
 * more start of the service (and of its PostgreSQL and S3Proxy), which is where a test run's time
 * went. The settings, and the classes that need them:
 *
 * <ul>
 *   <li>downloads streamed instead of redirected ({@code StreamDownloadTest});
 *   <li>a store that keeps a CRC32C per object, {@link Crc32cComputingStore} ({@code
 *       Crc32cVerificationTest});
 *   <li>no admin token, so no admin API ({@code AdminDisabledTest});
 *   <li>the production webhook targets: https only, public addresses only ({@code
 *       WebhookTargetRefusalTest});
 *   <li>a pool of two database connections given up on after {@link #ACQUISITION_TIMEOUT} ({@code
 *       PoolExhaustionTest}).
 * </ul>
 *
 * A class added here must not need what these take away (the admin API, plain-http or loopback
 * webhook receivers, redirects on download, more than two database connections at once).
 */
public class DeploymentVariant implements QuarkusTestProfile {
  /** How long a request waits for one of the two database connections. */
  public static final Duration ACQUISITION_TIMEOUT = Duration.ofSeconds(2);

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "files.download.mode", "stream",
        "files.admin.token", "",
        "files.webhooks.allow-private-targets", "false",
        "files.webhooks.allow-http", "false",
        "quarkus.datasource.jdbc.max-size", "2",
        "quarkus.datasource.jdbc.acquisition-timeout", ACQUISITION_TIMEOUT.toSeconds() + "S");
  }

  @Override
  public Set<Class<?>> getEnabledAlternatives() {
    return Set.of(Crc32cComputingStore.class);
  }
}
