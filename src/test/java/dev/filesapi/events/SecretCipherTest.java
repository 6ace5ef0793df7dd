package dev.filesapi.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Sealing webhook secrets: round trip, refusals (altered, wrong key, other endpoint), rotation. */
class SecretCipherTest {
  private static final String KEY_A = "8LyV2N8Rw2Z2yAAHdDZxqgZxXOekhzuOI3s62UNehN0=";
  private static final String KEY_B = "jHU54nN7AJz6Lf8wP7rHxYPKsX2OEw+dbYi/4HPM2Y4=";
  private static final String ENDPOINT = "whk_cipher";

  private static final SecretCipher A = new SecretCipher(Optional.of(KEY_A), List.of());
  private static final SecretCipher B = new SecretCipher(Optional.of(KEY_B), List.of());

  private static String keyId(String base64) {
    return SecretCipher.keyId(Base64.getDecoder().decode(base64));
  }

  @Test
  void aSealedSecretOpensToItselfAndShowsNothingOfIt() {
    String secret = WebhookSignatures.newSecret();
    String stored = A.seal(ENDPOINT, secret);
    assertThat(stored)
        .startsWith("v1:" + keyId(KEY_A) + ":")
        .matches("v1:[0-9a-f]{8}:[A-Za-z0-9+/=]+");
    assertThat(stored)
        .doesNotContain(secret)
        .doesNotContain(secret.substring("whsec_".length()))
        .doesNotContain(KEY_A);
    assertThat(A.open(ENDPOINT, stored)).isEqualTo(secret);
    assertThat(A.isCurrent(stored)).isTrue();
  }

  @Test
  void everySealingHasItsOwnNonce() {
    String secret = WebhookSignatures.newSecret();
    String once = A.seal(ENDPOINT, secret);
    String twice = A.seal(ENDPOINT, secret);
    assertThat(once).isNotEqualTo(twice);
    byte[] first = Base64.getDecoder().decode(once.substring(12));
    byte[] second = Base64.getDecoder().decode(twice.substring(12));
    // nonce (12) + secret (38) + tag (16)
    assertThat(first).hasSize(12 + secret.length() + 16);
    assertThat(java.util.Arrays.copyOf(first, 12))
        .isNotEqualTo(java.util.Arrays.copyOf(second, 12));
  }

  @Test
  void anyAlteredByteIsRefused() {
    String secret = WebhookSignatures.newSecret();
    String stored = A.seal(ENDPOINT, secret);
    String prefix = stored.substring(0, 12);
    byte[] value = Base64.getDecoder().decode(stored.substring(12));
    for (int i = 0; i < value.length; i++) {
      byte[] altered = value.clone();
      altered[i] ^= 0x01;
      String tampered = prefix + Base64.getEncoder().encodeToString(altered);
      assertThatThrownBy(() -> A.open(ENDPOINT, tampered))
          .as("byte %d altered", i)
          .isInstanceOf(SecretCipher.UnreadableSecretException.class)
          .hasMessageContaining("does not open with key " + keyId(KEY_A))
          .hasMessageNotContaining(secret);
    }
    byte[] shortened = java.util.Arrays.copyOf(value, value.length - 1);
    assertThatThrownBy(
            () -> A.open(ENDPOINT, prefix + Base64.getEncoder().encodeToString(shortened)))
        .isInstanceOf(SecretCipher.UnreadableSecretException.class);
    assertThatThrownBy(() -> A.open(ENDPOINT, prefix + "not base64!"))
        .isInstanceOf(SecretCipher.UnreadableSecretException.class)
        .hasMessage("the sealed secret is not base64");
    assertThatThrownBy(() -> A.open(ENDPOINT, "v2:whatever"))
        .isInstanceOf(SecretCipher.UnreadableSecretException.class)
        .hasMessage("the stored secret has an unknown format");
  }

  @Test
  void anotherEndpointsSealedSecretDoesNotOpen() {
    String stored = A.seal("whk_one", WebhookSignatures.newSecret());
    assertThatThrownBy(() -> A.open("whk_two", stored))
        .isInstanceOf(SecretCipher.UnreadableSecretException.class)
        .hasMessageContaining("another endpoint's");
  }

  @Test
  void theWrongKeyIsRefused() {
    String secret = WebhookSignatures.newSecret();
    String stored = A.seal(ENDPOINT, secret);
    assertThatThrownBy(() -> B.open(ENDPOINT, stored))
        .isInstanceOf(SecretCipher.UnreadableSecretException.class)
        .hasMessage(
            "the secret is sealed with key "
                + keyId(KEY_A)
                + ", which is neither files.webhooks.secret-key nor one of"
                + " files.webhooks.previous-secret-keys");
    // Relabelled as B's, it is still not B's.
    String relabelled = "v1:" + keyId(KEY_B) + stored.substring(11);
    assertThatThrownBy(() -> B.open(ENDPOINT, relabelled))
        .isInstanceOf(SecretCipher.UnreadableSecretException.class)
        .hasMessageNotContaining(secret);
    assertThat(B.isCurrent(stored)).isFalse();
  }

  @Test
  void afterRotationOldValuesOpenAndNewOnesUseTheNewKey() {
    String secret = WebhookSignatures.newSecret();
    String old = A.seal(ENDPOINT, secret);
    SecretCipher rotated = new SecretCipher(Optional.of(KEY_B), List.of(KEY_A));
    assertThat(rotated.currentKeyId()).contains(keyId(KEY_B));
    assertThat(rotated.open(ENDPOINT, old)).isEqualTo(secret);
    assertThat(rotated.isCurrent(old)).isFalse();
    String resealed = rotated.seal(ENDPOINT, rotated.open(ENDPOINT, old));
    assertThat(resealed).startsWith("v1:" + keyId(KEY_B) + ":");
    assertThat(rotated.isCurrent(resealed)).isTrue();
    assertThat(B.open(ENDPOINT, resealed)).isEqualTo(secret);
  }

  @Test
  void withoutAKeySecretsStayPlainAndPlainOnesAlwaysOpen() {
    SecretCipher none = new SecretCipher(Optional.empty(), List.of());
    String secret = WebhookSignatures.newSecret();
    assertThat(none.currentKeyId()).isEmpty();
    assertThat(none.seal(ENDPOINT, secret)).isEqualTo(secret);
    assertThat(none.isCurrent(secret)).isTrue();
    assertThat(none.isCurrent(A.seal(ENDPOINT, secret))).isFalse();
    assertThatThrownBy(() -> none.open(ENDPOINT, A.seal(ENDPOINT, secret)))
        .isInstanceOf(SecretCipher.UnreadableSecretException.class);
    // Stored before a key was set: read as it is, and not current once a key is set.
    assertThat(A.open(ENDPOINT, secret)).isEqualTo(secret);
    assertThat(A.isCurrent(secret)).isFalse();
  }

  @Test
  void aKeyThatIsNotBase64Of32BytesIsRefusedWithoutEchoingIt() {
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> new SecretCipher(Optional.of(short16), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "files.webhooks.secret-key must be the base64 of 32 bytes, not 16"
                + " (make one with: openssl rand -base64 32)");
    assertThatThrownBy(() -> new SecretCipher(Optional.of(KEY_A), List.of("%%secret%%")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("files.webhooks.previous-secret-keys is not base64")
        .hasMessageNotContaining("%%secret%%");
  }
}
