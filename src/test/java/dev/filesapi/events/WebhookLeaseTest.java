package dev.filesapi.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How long a claimed delivery is leased: set, or derived from the timeout; never shorter. */
class WebhookLeaseTest {
  private static WebhookConfig config(Duration timeout, Optional<Duration> lease) {
    return (WebhookConfig)
        Proxy.newProxyInstance(
            WebhookConfig.class.getClassLoader(),
            new Class<?>[] {WebhookConfig.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "timeout" -> timeout;
                  case "lease" -> lease;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void withoutALeaseSetItIsTwiceTheTimeoutAndThirtySeconds() {
    assertThat(WebhookDispatcher.lease(config(Duration.ofSeconds(10), Optional.empty())))
        .isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void aLeaseSetIsUsed() {
    assertThat(
            WebhookDispatcher.lease(
                config(Duration.ofSeconds(10), Optional.of(Duration.ofSeconds(11)))))
        .isEqualTo(Duration.ofSeconds(11));
  }

  @Test
  void aLeaseNoLongerThanTheTimeoutIsRefused() {
    assertThatThrownBy(
            () ->
                WebhookDispatcher.lease(
                    config(Duration.ofSeconds(10), Optional.of(Duration.ofSeconds(10)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "files.webhooks.lease (PT10S) must be longer than files.webhooks.timeout (PT10S)");
  }
}
