package dev.filesapi.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signing secrets at rest: AES-256-GCM, a random 96-bit nonce per value, the endpoint's id
 * as associated data (a sealed value copied to another endpoint does not open). Stored as {@code
 * v1:<key id>:<base64 of nonce + ciphertext + tag>}, where the key id is the first 8 hex digits of
 * the key's SHA-256, so that rotating keys needs no names. Older keys only open; the current key
 * seals. Without a current key, values are stored as they are ({@code whsec_…}). No message of this
 * class carries a secret or a key.
 */
public final class SecretCipher {
  static final String PREFIX = "v1:";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Optional<String> currentId;
  private final Map<String, SecretKey> keys;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param current base64 of the 32-byte key new values are sealed with; empty: stored as they are
   * @param previous base64 of older keys, which only open what they sealed
   */
  public SecretCipher(Optional<String> current, List<String> previous) {
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    Optional<String> currentId = Optional.empty();
    if (current.isPresent()) {
      byte[] key = decodeKey("files.webhooks.secret-key", current.get());
      currentId = Optional.of(keyId(key));
      keys.put(currentId.get(), new SecretKeySpec(key, "AES"));
    }
    for (String old : previous) {
      byte[] key = decodeKey("files.webhooks.previous-secret-keys", old);
      keys.putIfAbsent(keyId(key), new SecretKeySpec(key, "AES"));
    }
    this.currentId = currentId;
    this.keys = Map.copyOf(keys);
  }

  /** The id of the key new values are sealed with; empty when they are stored as they are. */
  public Optional<String> currentKeyId() {
    return currentId;
  }

  /** The stored form of an endpoint's secret. */
  public String seal(String endpointId, String secret) {
    if (currentId.isEmpty()) {
      return secret;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(currentId.get()), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(endpointId));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] stored =
          ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return PREFIX + currentId.get() + ":" + Base64.getEncoder().encodeToString(stored);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable: " + e.getMessage());
    }
  }

  /**
   * The secret of a stored value: sealed ones are opened, plain {@code whsec_…} ones (stored before
   * a key was configured) returned as they are.
   *
   * @throws UnreadableSecretException when the value was sealed with a key not configured, for
   *     another endpoint, or altered
   */
  public String open(String endpointId, String stored) {
    if (stored.startsWith(WebhookSignatures.SECRET_PREFIX)) {
      return stored;
    }
    if (!stored.startsWith(PREFIX)) {
      throw new UnreadableSecretException("the stored secret has an unknown format");
    }
    int colon = stored.indexOf(':', PREFIX.length());
    if (colon < 0) {
      throw new UnreadableSecretException("the stored secret has no key id");
    }
    String keyId = stored.substring(PREFIX.length(), colon);
    SecretKey key = keys.get(keyId);
    if (key == null) {
      throw new UnreadableSecretException(
          "the secret is sealed with key "
              + keyId
              + ", which is neither files.webhooks.secret-key nor one of"
              + " files.webhooks.previous-secret-keys");
    }
    byte[] value;
    try {
      value = Base64.getDecoder().decode(stored.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new UnreadableSecretException("the sealed secret is not base64");
    }
    if (value.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new UnreadableSecretException("the sealed secret is too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, value, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData(endpointId));
      return new String(
          cipher.doFinal(value, NONCE_BYTES, value.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new UnreadableSecretException(
          "the sealed secret does not open with key "
              + keyId
              + " (altered, or another endpoint's)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable: " + e.getMessage());
    }
  }

  /** Whether a stored value is as {@link #seal} would store it now (no re-sealing needed). */
  public boolean isCurrent(String stored) {
    return currentId
        .map(id -> stored.startsWith(PREFIX + id + ":"))
        .orElse(stored.startsWith(WebhookSignatures.SECRET_PREFIX));
  }

  /** The first 8 hex digits of the key's SHA-256: names a key without revealing it. */
  static String keyId(byte[] key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private static byte[] decodeKey(String setting, String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting + " is not base64 (make one with: openssl rand -base64 32)");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          setting
              + " must be the base64 of 32 bytes, not "
              + key.length
              + " (make one with: openssl rand -base64 32)");
    }
    return key;
  }

  private static byte[] associatedData(String endpointId) {
    return ("webhook_endpoint.secret:" + endpointId).getBytes(StandardCharsets.UTF_8);
  }

  /** A stored secret that cannot be opened; the message names the key id, never a secret. */
  public static final class UnreadableSecretException extends RuntimeException {
    UnreadableSecretException(String message) {
      super(message, null, false, false);
    }
  }
}
