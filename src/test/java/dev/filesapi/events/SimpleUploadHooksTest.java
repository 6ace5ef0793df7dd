package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simple uploads ({@code POST /v1/files} and {@code /v1/files/base64}) pass the operators'
 * blocking hooks like a multipart upload: pre-initiate before the store is touched, pre-complete
 * with the stored object before it is registered. Against the real receiver of {@link
 * BlockingHooksTest}.
 */
@QuarkusTest
@TestProfile(BlockingHooksTest.WithHooks.class)
@WithTestResource(FilesTestResource.class)
class SimpleUploadHooksTest {
  private static final WebhookReceiver HOOK = BlockingHooksTest.HOOK;

  @BeforeEach
  void nothingScripted() {
    HOOK.clearScript();
  }

  private static WebhookReceiver.Answer answer(int status, String body) {
    return new WebhookReceiver.Answer(status, Duration.ZERO, body);
  }

  private static byte[] content(int seed) {
    byte[] content = new byte[1500];
    new Random(seed).nextBytes(content);
    return content;
  }

  private static Response form(String key, String name, byte[] content) {
    return as(key)
        .contentType("multipart/form-data")
        .multiPart("file", name, content, "image/png")
        .post("/v1/files");
  }

  private static Response base64Form(String key, String name, byte[] content) {
    byte[] text = Base64.getEncoder().encode(content);
    return as(key)
        .contentType("multipart/form-data")
        .multiPart("file", name, text, "image/png")
        .post("/v1/files/base64");
  }

  /** What the hook received since {@code before}, oldest first. */
  private static List<WebhookReceiver.Received> since(int before) {
    List<WebhookReceiver.Received> all = HOOK.received();
    return all.subList(before, all.size());
  }

  private static void problem(Response response, int status, String code) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
    assertThat(response.jsonPath().getString("code")).isEqualTo(code);
  }

  @Test
  void bothHooksSeeAnAllowedFormUploadAndTheScannerReadsItsBytes() {
    String key = Tenants.newOrganizationKey("hooks-simple");
    String organizationId = Tenants.organizationOf(key);
    byte[] content = content(21);
    int before = HOOK.received().size();

    String fileUid =
        form(key, "simple-clean.png", content).then().statusCode(200).extract().path("file_uid");

    List<WebhookReceiver.Received> asked = since(before);
    assertThat(asked)
        .extracting(WebhookReceiver.Received::type)
        .containsExactly("hook.pre_initiate", "hook.pre_complete");
    assertThat(asked).allMatch(WebhookReceiver.Received::signatureValid);
    for (WebhookReceiver.Received request : asked) {
      assertThat(request.json().path("organization_id").asText()).isEqualTo(organizationId);
      assertThat(request.json().path("upload").path("file_name").asText())
          .isEqualTo("simple-clean.png");
      assertThat(request.json().path("upload").path("file_type").asText()).isEqualTo("image/png");
      assertThat(request.json().path("upload").path("num_bytes").asLong())
          .isEqualTo(content.length);
    }
    // A simple upload has no upload id; the file's uid is the one registered.
    assertThat(asked.get(1).json().path("upload").has("upload_id")).isFalse();
    assertThat(asked.get(1).json().path("upload").path("file_uid").asText()).isEqualTo(fileUid);
    assertThat(Api.get(asked.get(1).json().path("download_url").asText()).body())
        .isEqualTo(content);
    as(key).get("/v1/files/metadata/{id}", "simple-clean.png").then().statusCode(200);
  }

  @Test
  void aPreInitiateRefusalIs403AndNothingIsStored() {
    String key = Tenants.newOrganizationKey("hooks-simple-initiate");
    String organizationId = Tenants.organizationOf(key);
    int before = HOOK.received().size();
    HOOK.script(answer(403, "{\"reason\":\"no images on this plan\"}"));

    Response refused = form(key, "simple-refused.png", content(22));

    problem(refused, 403, "rejected_by_hook");
    assertThat(refused.jsonPath().getString("detail")).contains("no images on this plan");
    assertThat(since(before))
        .extracting(WebhookReceiver.Received::type)
        .containsExactly("hook.pre_initiate");
    as(key).get("/v1/files/metadata/{id}", "simple-refused.png").then().statusCode(404);
    assertThat(OutboxRows.types(organizationId)).isEmpty();
  }

  @Test
  void aPreCompleteRefusalIs422AndDeletesTheObject() {
    String key = Tenants.newOrganizationKey("hooks-simple-complete");
    String organizationId = Tenants.organizationOf(key);
    int before = HOOK.received().size();
    HOOK.script(answer(200, null), answer(422, "{\"reason\":\"EICAR test signature\"}"));

    Response refused = base64Form(key, "simple-infected.png", content(23));

    problem(refused, 422, "rejected_by_hook");
    assertThat(refused.jsonPath().getString("detail")).contains("EICAR test signature");
    List<WebhookReceiver.Received> asked = since(before);
    assertThat(asked)
        .extracting(WebhookReceiver.Received::type)
        .containsExactly("hook.pre_initiate", "hook.pre_complete");
    assertThat(Api.get(asked.get(1).json().path("download_url").asText()).statusCode())
        .isEqualTo(404);
    as(key).get("/v1/files/metadata/{id}", "simple-infected.png").then().statusCode(404);
    assertThat(OutboxRows.types(organizationId)).isEmpty();
  }

  @Test
  void hooksThatCannotBeAskedAre503AndRegisterNothing() {
    String key = Tenants.newOrganizationKey("hooks-simple-down");
    String organizationId = Tenants.organizationOf(key);

    HOOK.script(answer(500, null));
    Response initiateDown = base64Form(key, "simple-down.png", content(24));
    problem(initiateDown, 503, "hook_unavailable");
    assertThat(initiateDown.header("Retry-After")).isEqualTo("5");

    int before = HOOK.received().size();
    HOOK.script(answer(200, null), answer(502, null));
    Response completeDown = form(key, "simple-down.png", content(24));
    problem(completeDown, 503, "hook_unavailable");
    List<WebhookReceiver.Received> asked = since(before);
    assertThat(asked)
        .extracting(WebhookReceiver.Received::type)
        .containsExactly("hook.pre_initiate", "hook.pre_complete");
    assertThat(Api.get(asked.get(1).json().path("download_url").asText()).statusCode())
        .isEqualTo(404);
    as(key).get("/v1/files/metadata/{id}", "simple-down.png").then().statusCode(404);
    assertThat(OutboxRows.types(organizationId)).isEmpty();
  }
}
