package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.DeploymentVariant;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the production settings (https only, public addresses only; DeploymentVariant): endpoints on
 * the service's own network are refused when created or changed, and a name that later resolves to
 * one is refused before the POST.
 */
@QuarkusTest
@TestProfile(DeploymentVariant.class)
@WithTestResource(FilesTestResource.class)
class WebhookTargetRefusalTest {

  /** The admin API is off in this profile: the tests use the bootstrap organization's key. */
  private static final String KEY = FilesTestResource.API_KEY;

  @Inject WebhookDispatcher dispatcher;
  @Inject EntityManager em;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://127.0.0.1/hook",
        "https://2130706433/hook",
        "https://localhost:8443/hook",
        "https://[::1]/hook",
        "https://10.0.0.8/hook",
        "https://172.20.1.1/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00:ec2::254]/latest/meta-data/",
        "https://100.64.1.1/hook",
        "https://[fd12:3456::1]/hook",
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "https://[::]/hook",
        "https://224.0.0.1/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://no-such-host.invalid/hook",
        // IPv4 literals in forms parsers disagree on (issue 27): refused like Go's netip does.
        "https://0177.0.0.1/hook",
        "https://0177.0.0.1:8443/hook",
        "https://127.0.0.01/hook",
        "https://0x7f.1/hook",
        "https://0x7f000001/hook",
        "https://127.1/hook",
        "https://1.1.1.1./hook"
      })
  void endpointsOffThePublicInternetAreRefused(String url) {
    Response response = as(KEY).body(Map.of("url", url)).post("/v1/webhooks");
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
    assertThat(response.jsonPath().getString("code")).isEqualTo("webhook_url_refused");
    assertThat(response.jsonPath().getList("errors.field", String.class)).containsExactly("url");
  }

  @Test
  void plainHttpIsRefusedAndAChangeIsCheckedToo() {
    String key = KEY;
    Response http = as(key).body(Map.of("url", "http://1.1.1.1/hook")).post("/v1/webhooks");
    assertThat(http.statusCode()).isEqualTo(400);
    assertThat(http.jsonPath().getString("code")).isEqualTo("validation_failed");
    assertThat(http.jsonPath().getString("detail")).contains("https");

    String id = WebhookApiTest.created(key, Map.of("url", "https://1.1.1.1/hook")).getString("id");
    Response moved =
        as(key).body(Map.of("url", "https://127.0.0.1/hook")).patch("/v1/webhooks/{id}", id);
    assertThat(moved.statusCode()).isEqualTo(400);
    assertThat(moved.jsonPath().getString("code")).isEqualTo("webhook_url_refused");
    as(key).get("/v1/webhooks/{id}", id).then().statusCode(200);
    assertThat(as(key).get("/v1/webhooks/{id}", id).jsonPath().getString("url"))
        .isEqualTo("https://1.1.1.1/hook");
    as(key).delete("/v1/webhooks/{id}", id).then().statusCode(204);
  }

  @Test
  void anEndpointThatNowResolvesPrivatelyIsNotSentTo() {
    String key = KEY;
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String id =
          WebhookApiTest.created(
                  key,
                  Map.of("url", "https://1.1.1.1/hook", "event_types", List.of("file.deleted")))
              .getString("id");
      // What a DNS answer changed after the check would do: the endpoint now leads to 127.0.0.1.
      QuarkusTransaction.requiringNew()
          .run(
              () ->
                  em.createNativeQuery("update webhook_endpoint set url = ?1 where id = ?2")
                      .setParameter(1, receiver.url().replace("http://", "https://"))
                      .setParameter(2, id)
                      .executeUpdate());
      as(key).post("/v1/webhooks/{id}/test", id).then().statusCode(202);

      dispatcher.dispatchDue();

      JsonPath delivery =
          as(key)
              .get("/v1/webhooks/{id}/deliveries", id)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertThat(delivery.getString("deliveries[0].status")).isEqualTo("pending");
      assertThat(delivery.getString("deliveries[0].attempts[0].error"))
          .startsWith("target refused")
          .contains("loopback");
      assertThat(receiver.received()).isEmpty();
      as(key).delete("/v1/webhooks/{id}", id).then().statusCode(204);
    }
  }
}
