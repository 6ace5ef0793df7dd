package dev.filesapi.events;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Endpoints' signing secrets as the database keeps them: sealed with {@code
 * files.webhooks.secret-key} when it is set. At startup each replica re-seals the secrets stored
 * otherwise (plain ones from before the key was set, ones sealed with a previous key), so a key can
 * be introduced or rotated by configuration alone.
 */
@ApplicationScoped
public class WebhookSecrets {
  private static final Logger LOG = Logger.getLogger(WebhookSecrets.class);
  private static final int RESEAL_BATCH = 100;

  private final SecretCipher cipher;
  private final EntityManager em;

  WebhookSecrets(WebhookConfig config, EntityManager em) {
    this.cipher =
        new SecretCipher(config.secretKey(), config.previousSecretKeys().orElse(List.of()));
    this.em = em;
  }

  /** The stored form of a new secret of this endpoint. */
  String seal(String endpointId, String secret) {
    return cipher.seal(endpointId, secret);
  }

  /**
   * The secret of a stored value.
   *
   * @throws SecretCipher.UnreadableSecretException when it cannot be opened with the keys set
   */
  String open(String endpointId, String stored) {
    return cipher.open(endpointId, stored);
  }

  void onStart(@Observes StartupEvent event) {
    if (cipher.currentKeyId().isEmpty()) {
      LOG.warn(
          "files.webhooks.secret-key is not set: webhook signing secrets are stored unencrypted"
              + " (set it to the base64 of 32 random bytes, e.g. openssl rand -base64 32)");
      long sealed =
          QuarkusTransaction.requiringNew()
              .call(
                  () ->
                      ((Number)
                              em.createNativeQuery(
                                      "select count(*) from webhook_endpoint where secret like ?1")
                                  .setParameter(1, SecretCipher.PREFIX + "%")
                                  .getSingleResult())
                          .longValue());
      if (sealed > 0) {
        LOG.errorf(
            "%d webhook secrets are encrypted but files.webhooks.secret-key is not set: their"
                + " deliveries fail until the key is set again",
            sealed);
      }
      return;
    }
    reseal();
  }

  /**
   * Seals with the current key every secret stored otherwise, and leaves the ones no configured key
   * opens as they are, with a warning. Rows are locked, not skipped, so none is left behind while
   * an API change holds it; what another replica re-sealed meanwhile no longer matches once its
   * lock is released.
   *
   * @return how many were re-sealed
   */
  int reseal() {
    String current = SecretCipher.PREFIX + cipher.currentKeyId().orElseThrow() + ":%";
    int resealed = 0;
    int unreadable = 0;
    String after = "";
    while (true) {
      String from = after;
      Batch batch =
          QuarkusTransaction.requiringNew().call(() -> resealBatch(current, from, RESEAL_BATCH));
      resealed += batch.resealed();
      unreadable += batch.unreadable();
      if (batch.last() == null) {
        break;
      }
      after = batch.last();
    }
    if (resealed > 0) {
      LOG.infof(
          "%d webhook secrets sealed with key %s", resealed, cipher.currentKeyId().orElseThrow());
    }
    if (unreadable > 0) {
      LOG.warnf(
          "%d webhook secrets are sealed with keys that are not configured: their deliveries fail"
              + " until files.webhooks.previous-secret-keys holds those keys",
          unreadable);
    }
    return resealed;
  }

  private record Batch(int resealed, int unreadable, String last) {}

  private Batch resealBatch(String current, String after, int limit) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select id, secret from webhook_endpoint where id > ?1 and secret not like ?2"
                    + " order by id limit ?3 for update")
            .setParameter(1, after)
            .setParameter(2, current)
            .setParameter(3, limit)
            .getResultList();
    int resealed = 0;
    int unreadable = 0;
    for (Object[] row : rows) {
      String id = (String) row[0];
      String secret;
      try {
        secret = cipher.open(id, (String) row[1]);
      } catch (SecretCipher.UnreadableSecretException e) {
        LOG.warnf("webhook %s: %s", id, e.getMessage());
        unreadable++;
        continue;
      }
      em.createNativeQuery("update webhook_endpoint set secret = ?1 where id = ?2")
          .setParameter(1, cipher.seal(id, secret))
          .setParameter(2, id)
          .executeUpdate();
      resealed++;
    }
    return new Batch(
        resealed, unreadable, rows.isEmpty() ? null : (String) rows.get(rows.size() - 1)[0]);
  }
}
