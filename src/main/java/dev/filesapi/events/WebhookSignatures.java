package dev.filesapi.events;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: secrets are {@code whsec_} + base64 of 32 random bytes; a message is
 * signed {@code v1,} + base64(HMAC-SHA256(secret bytes,
 * "{webhook-id}.{webhook-timestamp}.{body}")).
 */
public final class WebhookSignatures {
  static final String SECRET_PREFIX = "whsec_";

  private WebhookSignatures() {}

  /**
   * A new endpoint secret (a SecureRandom per call: rare, and nothing for a native image to
   * freeze).
   */
  public static String newSecret() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} header's value. */
  public static String sign(String secret, String messageId, long timestamp, String body) {
    byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] signature =
          mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(signature);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }
}
