package dev.filesapi.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Standard Webhooks signing, against the specification's published example. */
class WebhookSignaturesTest {

  @Test
  void signsTheStandardWebhooksReferenceVector() {
    assertThat(
            WebhookSignatures.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                "{\"test\": 2432232314}"))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void secretsAreWhsecAnd32RandomBytes() {
    String secret = WebhookSignatures.newSecret();
    assertThat(secret).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    assertThat(WebhookSignatures.newSecret()).isNotEqualTo(secret);
  }
}
