package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operators' blocking hooks against a real receiver: pre-initiate refuses with 403, a
 * pre-complete refusal deletes the assembled object and fails the upload (422), a hook that does
 * not answer refuses with 503; requests are signed with the hooks' secret.
 */
@QuarkusTest
@TestProfile(BlockingHooksTest.WithHooks.class)
@WithTestResource(FilesTestResource.class)
class BlockingHooksTest {
  static final WebhookReceiver HOOK = WebhookReceiver.start();
  static final String SECRET = WebhookSignatures.newSecret();

  public static class WithHooks implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      HOOK.secret(SECRET);
      return Map.of(
          "files.hooks.pre-initiate-url",
          HOOK.url(),
          "files.hooks.pre-complete-url",
          HOOK.url(),
          "files.hooks.secret",
          SECRET,
          "files.hooks.timeout",
          "1s");
    }
  }

  @BeforeEach
  void nothingScripted() {
    HOOK.clearScript();
  }

  private static WebhookReceiver.Answer answer(int status, String body) {
    return new WebhookReceiver.Answer(status, Duration.ZERO, body);
  }

  private static void problem(Response response, int status, String code) {
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
    assertThat(response.jsonPath().getString("code")).isEqualTo(code);
  }

  private static String lastType() {
    List<WebhookReceiver.Received> got = HOOK.received();
    return got.get(got.size() - 1).type();
  }

  @Test
  void preInitiateRefusesWith403AndNothingIsCreated() {
    String key = Tenants.newOrganizationKey("hooks-initiate");
    String organizationId = Tenants.organizationOf(key);
    HOOK.script(answer(403, "{\"reason\":\"quota of the tenant's plan\"}"));

    Response refused = Api.initiate(key, "refused.bin", 100, false);
    problem(refused, 403, "rejected_by_hook");
    assertThat(refused.jsonPath().getString("detail")).contains("quota of the tenant's plan");
    WebhookReceiver.Received asked = HOOK.received().get(HOOK.received().size() - 1);
    assertThat(asked.signatureValid()).isTrue();
    assertThat(asked.type()).isEqualTo("hook.pre_initiate");
    assertThat(asked.json().path("organization_id").asText()).isEqualTo(organizationId);
    // The id of the caller's key, as the admin API names it, and never the key itself.
    assertThat(asked.json().path("api_key_id").asText()).isEqualTo(Tenants.keyIdOf(key));
    assertThat(asked.body()).doesNotContain(key);
    assertThat(asked.json().path("upload").path("file_name").asText()).isEqualTo("refused.bin");
    assertThat(asked.json().path("upload").path("num_bytes").asLong()).isEqualTo(100);
    as(key)
        .get("/v1/files/uploads")
        .then()
        .statusCode(200)
        .body("uploads.size()", org.hamcrest.Matchers.equalTo(0));
    assertThat(OutboxRows.types(organizationId)).isEmpty();
  }

  @Test
  void aHookThatDoesNotAnswerRefusesWith503() {
    String key = Tenants.newOrganizationKey("hooks-down");
    HOOK.script(new WebhookReceiver.Answer(200, Duration.ofSeconds(3)));
    Response slow = Api.initiate(key, "slow.bin", 100, false);
    problem(slow, 503, "hook_unavailable");
    assertThat(slow.header("Retry-After")).isEqualTo("5");
    HOOK.script(answer(500, null));
    problem(Api.initiate(key, "broken.bin", 100, false), 503, "hook_unavailable");
  }

  @Test
  void preCompleteSeesTheObjectAndItsRefusalFailsTheUpload() {
    String key = Tenants.newOrganizationKey("hooks-complete");
    String organizationId = Tenants.organizationOf(key);
    byte[] content = new byte[3000];
    new Random(11).nextBytes(content);

    // Allowed: the hook could read the assembled object through its URL.
    JsonPath upload =
        Api.initiate(key, "clean.bin", content.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    as(key)
        .body(Map.of("parts", Api.putAll(upload.getList("parts"), content)))
        .post("/v1/files/uploads/{id}/complete", upload.getString("upload_id"))
        .then()
        .statusCode(200);
    WebhookReceiver.Received asked = HOOK.received().get(HOOK.received().size() - 1);
    assertThat(asked.type()).isEqualTo("hook.pre_complete");
    assertThat(asked.signatureValid()).isTrue();
    assertThat(asked.json().path("upload").path("upload_id").asText())
        .isEqualTo(upload.getString("upload_id"));
    HttpResponse<byte[]> read = Api.get(asked.json().path("download_url").asText());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(content);

    // Refused: 422, the object deleted, the upload failed, no file.
    JsonPath infected =
        Api.initiate(key, "infected.bin", content.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    String uploadId = infected.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(infected.getList("parts"), content);
    HOOK.script(answer(422, "{\"reason\":\"EICAR test signature\"}"));
    Response refused =
        as(key).body(Map.of("parts", tokens)).post("/v1/files/uploads/{id}/complete", uploadId);
    problem(refused, 422, "rejected_by_hook");
    assertThat(refused.jsonPath().getString("detail")).contains("EICAR test signature");
    assertThat(lastType()).isEqualTo("hook.pre_complete");
    String url =
        HOOK.received().get(HOOK.received().size() - 1).json().path("download_url").asText();
    assertThat(Api.get(url).statusCode()).isEqualTo(404);
    as(key)
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .body("status", org.hamcrest.Matchers.equalTo("failed"));
    as(key).get("/v1/files/metadata/{id}", "infected.bin").then().statusCode(404);
    // The reason is kept: a client whose complete was answered 202 learns it from the upload's
    // view and from its next complete (409: the upload is failed, not in progress).
    as(key)
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .body("failure.code", org.hamcrest.Matchers.equalTo("rejected_by_hook"))
        .body("failure.detail", org.hamcrest.Matchers.containsString("EICAR test signature"));
    Response again =
        as(key).body(Map.of("parts", tokens)).post("/v1/files/uploads/{id}/complete", uploadId);
    problem(again, 409, "upload_not_in_progress");
    assertThat(again.jsonPath().getString("detail"))
        .contains("EICAR test signature")
        .contains("rejected_by_hook");
    assertThat(OutboxRows.types(organizationId))
        .containsExactly(
            "upload.initiated", "upload.completed", "upload.initiated", "upload.failed");
  }

  @Test
  void aPreCompleteHookDownFailsTheUploadAndRegistersNothing() {
    String key = Tenants.newOrganizationKey("hooks-complete-down");
    byte[] content = new byte[1000];
    new Random(12).nextBytes(content);
    JsonPath upload =
        Api.initiate(key, "later.bin", content.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    String uploadId = upload.getString("upload_id");
    List<Map<String, Object>> tokens = Api.putAll(upload.getList("parts"), content);
    HOOK.script(answer(502, null));
    Response down =
        as(key).body(Map.of("parts", tokens)).post("/v1/files/uploads/{id}/complete", uploadId);
    problem(down, 503, "hook_unavailable");
    assertThat(down.jsonPath().getString("detail")).contains("upload has failed");
    String url =
        HOOK.received().get(HOOK.received().size() - 1).json().path("download_url").asText();
    assertThat(Api.get(url).statusCode()).isEqualTo(404);
    as(key)
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .body("status", org.hamcrest.Matchers.equalTo("failed"));
    as(key).get("/v1/files/metadata/{id}", "later.bin").then().statusCode(404);
    as(key)
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .body("failure.code", org.hamcrest.Matchers.equalTo("hook_unavailable"));
  }

  @Test
  void onlyA4xxRefusesAndOnlyA2xxAllows() {
    assertThat(BlockingHooks.verdictOf(200, null)).contains(new BlockingHooks.Verdict(true, null));
    assertThat(BlockingHooks.verdictOf(204, "x").orElseThrow().allowed()).isTrue();
    assertThat(BlockingHooks.verdictOf(403, "no")).contains(new BlockingHooks.Verdict(false, "no"));
    assertThat(BlockingHooks.verdictOf(499, null).orElseThrow().allowed()).isFalse();
    assertThat(BlockingHooks.verdictOf(302, null)).isEmpty();
    assertThat(BlockingHooks.verdictOf(500, null)).isEmpty();
    assertThat(BlockingHooks.verdictOf(503, null)).isEmpty();
  }
}
