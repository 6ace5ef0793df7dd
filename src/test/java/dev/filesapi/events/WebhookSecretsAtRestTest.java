package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signing secrets in PostgreSQL are sealed with {@code files.webhooks.secret-key} (set for tests in
 * application.properties), while deliveries are still signed with the secret the API showed; plain
 * rows from before a key was set and rows sealed with a previous key are re-sealed, and rows no
 * configured key opens fail their attempts without showing anything of the secret. No log record
 * written meanwhile (at any level) holds a secret or a key.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class WebhookSecretsAtRestTest {
  @Inject WebhookDispatcher dispatcher;
  @Inject WebhookSecrets secrets;
  @Inject EntityManager em;

  /** Every secret and key the test handled; none may be in a log record. */
  private final Set<String> handled = new LinkedHashSet<>();

  private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
  private final Logger appLogger = Logger.getLogger("dev.filesapi");
  private final Logger requestLogger = Logger.getLogger("dev.filesapi.requests");
  private Level appLevel;
  private Level requestLevel;
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          StringBuilder text = new StringBuilder(record.getLoggerName()).append(": ");
          text.append(
              record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
          if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
              text.append(" | ").append(parameter);
            }
          }
          for (Throwable t = record.getThrown(); t != null && t != t.getCause(); t = t.getCause()) {
            text.append(" | ").append(t);
          }
          logged.add(text.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    appLevel = appLogger.getLevel();
    appLogger.setLevel(Level.ALL);
    requestLevel = requestLogger.getLevel();
    requestLogger.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
    handled.add(setting("files.webhooks.secret-key"));
    handled.add(setting("files.webhooks.previous-secret-keys"));
  }

  @AfterEach
  void noSecretWasLogged() {
    Logger.getLogger("").removeHandler(capture);
    appLogger.setLevel(appLevel);
    requestLogger.setLevel(requestLevel);
    assertThat(logged).as("log records").isNotEmpty();
    for (String record : List.copyOf(logged)) {
      for (String secret : handled) {
        assertThat(record).as("log record").doesNotContain(secret);
        if (secret.startsWith("whsec_")) {
          assertThat(record).as("log record").doesNotContain(secret.substring("whsec_".length()));
        }
      }
    }
  }

  private static String setting(String name) {
    return ConfigProvider.getConfig().getValue(name, String.class);
  }

  private static String keyId(String base64) {
    return SecretCipher.keyId(Base64.getDecoder().decode(base64));
  }

  private String storedSecret(String webhookId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                (String)
                    em.createNativeQuery("select secret from webhook_endpoint where id = ?1")
                        .setParameter(1, webhookId)
                        .getSingleResult());
  }

  private void storeSecret(String webhookId, String stored) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                em.createNativeQuery("update webhook_endpoint set secret = ?1 where id = ?2")
                    .setParameter(1, stored)
                    .setParameter(2, webhookId)
                    .executeUpdate());
  }

  /** Queues a test event and dispatches until the receiver has one POST more. */
  private WebhookReceiver.Received deliverATestEvent(
      String key, String webhookId, WebhookReceiver receiver) {
    int before = receiver.received().size();
    as(key).post("/v1/webhooks/{id}/test", webhookId).then().statusCode(202);
    dispatcher.dispatchDue();
    List<WebhookReceiver.Received> got =
        receiver.await(r -> r.size() > before, Duration.ofSeconds(20), "the test event");
    return got.get(got.size() - 1);
  }

  private static void assertSealedWithCurrentKey(String stored, String secret) {
    assertThat(stored)
        .startsWith("v1:" + keyId(setting("files.webhooks.secret-key")) + ":")
        .doesNotContain(secret)
        .doesNotContain(secret.substring("whsec_".length()));
  }

  @Test
  void theRowHoldsNoSecretWhileDeliveriesVerifyWithIt() {
    String key = Tenants.newOrganizationKey("secrets-at-rest");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      JsonPath created = WebhookApiTest.created(key, Map.of("url", receiver.url()));
      String id = created.getString("id");
      String secret = created.getString("secret");
      handled.add(secret);
      receiver.secret(secret);
      assertSealedWithCurrentKey(storedSecret(id), secret);
      assertThat(deliverATestEvent(key, id, receiver).signatureValid()).isTrue();

      // rotate-secret seals the new one; deliveries are signed with it.
      String rotated =
          as(key)
              .post("/v1/webhooks/{id}/rotate-secret", id)
              .then()
              .statusCode(200)
              .extract()
              .path("secret");
      handled.add(rotated);
      receiver.secret(rotated);
      assertSealedWithCurrentKey(storedSecret(id), rotated);
      assertThat(deliverATestEvent(key, id, receiver).signatureValid()).isTrue();
      // No other answer shows it.
      assertThat(as(key).get("/v1/webhooks/{id}", id).asString()).doesNotContain(rotated);
      assertThat(as(key).get("/v1/webhooks/{id}/deliveries", id).asString())
          .doesNotContain(rotated)
          .doesNotContain("v1:");
    }
  }

  @Test
  void plainSecretsFromBeforeTheKeyStillSignAndAreSealedAtStartup() {
    String key = Tenants.newOrganizationKey("secrets-plain");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String id = WebhookApiTest.created(key, Map.of("url", receiver.url())).getString("id");
      String plain = WebhookSignatures.newSecret();
      handled.add(plain);
      storeSecret(id, plain);
      receiver.secret(plain);
      assertThat(deliverATestEvent(key, id, receiver).signatureValid()).isTrue();

      // What every replica does when it starts.
      assertThat(secrets.reseal()).isGreaterThanOrEqualTo(1);
      assertSealedWithCurrentKey(storedSecret(id), plain);
      assertThat(deliverATestEvent(key, id, receiver).signatureValid()).isTrue();
      assertThat(secrets.reseal()).as("nothing left to seal").isZero();
    }
  }

  @Test
  void secretsSealedWithAPreviousKeyStillSignAndAreResealedWithTheCurrentOne() {
    String key = Tenants.newOrganizationKey("secrets-rotation");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String id = WebhookApiTest.created(key, Map.of("url", receiver.url())).getString("id");
      String secret = WebhookSignatures.newSecret();
      handled.add(secret);
      String previousKey = setting("files.webhooks.previous-secret-keys");
      String sealedBefore = new SecretCipher(Optional.of(previousKey), List.of()).seal(id, secret);
      storeSecret(id, sealedBefore);
      receiver.secret(secret);
      assertThat(deliverATestEvent(key, id, receiver).signatureValid()).isTrue();

      assertThat(secrets.reseal()).isGreaterThanOrEqualTo(1);
      String resealed = storedSecret(id);
      assertSealedWithCurrentKey(resealed, secret);
      assertThat(resealed).doesNotStartWith("v1:" + keyId(previousKey));
      assertThat(deliverATestEvent(key, id, receiver).signatureValid()).isTrue();
    }
  }

  @Test
  void aSecretNoConfiguredKeyOpensFailsItsAttemptsAndIsLeftAsItIs() {
    String key = Tenants.newOrganizationKey("secrets-unknown-key");
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String id = WebhookApiTest.created(key, Map.of("url", receiver.url())).getString("id");
      String secret = WebhookSignatures.newSecret();
      handled.add(secret);
      String unknownKey = Base64.getEncoder().encodeToString(new byte[32]);
      handled.add(unknownKey);
      String sealed = new SecretCipher(Optional.of(unknownKey), List.of()).seal(id, secret);
      storeSecret(id, sealed);

      String eventId =
          as(key)
              .post("/v1/webhooks/{id}/test", id)
              .then()
              .statusCode(202)
              .extract()
              .path("event_id");
      dispatcher.dispatchDue();
      JsonPath delivery =
          as(key)
              .get("/v1/webhooks/{id}/deliveries", id)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertThat(delivery.getString("deliveries[0].event_id")).isEqualTo(eventId);
      assertThat(delivery.getString("deliveries[0].status")).isEqualTo("pending");
      assertThat(delivery.getString("deliveries[0].attempts[0].error"))
          .isEqualTo(
              "not signed: the secret is sealed with key "
                  + keyId(unknownKey)
                  + ", which is neither files.webhooks.secret-key nor one of"
                  + " files.webhooks.previous-secret-keys");
      assertThat(receiver.received()).isEmpty();

      secrets.reseal();
      assertThat(storedSecret(id)).isEqualTo(sealed);
      // Out of the way of other tests' dispatches.
      as(key).delete("/v1/webhooks/{id}", id).then().statusCode(204);
    }
  }
}
