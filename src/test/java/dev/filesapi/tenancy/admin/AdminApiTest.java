package dev.filesapi.tenancy.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.filesapi.problem.Problem;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.tenancy.ApiKey;
import dev.filesapi.tenancy.ApiKeys;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Operators create organizations and keys; keys are shown once, stored hashed, revocable. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class AdminApiTest {
  private static final String ORGS = "/v1/admin/organizations";

  static RequestSpecification admin() {
    return given()
        .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
        .contentType(ContentType.JSON);
  }

  static String createOrganization(String name) {
    return admin()
        .body(Map.of("name", name))
        .post(ORGS)
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  static JsonPath createKey(String organizationId) {
    return admin()
        .body(Map.of("name", "test key"))
        .post(ORGS + "/{id}/api-keys", organizationId)
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }

  @Test
  void createsListsAndGetsOrganizationsWithDefaultQuotas() {
    String name = "acme-" + UUID.randomUUID();
    var created = admin().body(Map.of("name", name)).post(ORGS);
    created.then().statusCode(201).body("name", equalTo(name)).body("id", startsWith("org_"));
    String id = created.path("id");
    assertThat(created.getHeader("Location")).endsWith(ORGS + "/" + id);

    admin()
        .get(ORGS + "/{id}", id)
        .then()
        .statusCode(200)
        .body("name", equalTo(name))
        .body("max_in_progress_uploads", equalTo(1000))
        .body("max_file_bytes", equalTo(250_000_000_000L));
    admin().get(ORGS).then().statusCode(200).body("id", hasItem(id));
  }

  @Test
  void newKeyIsShownOnceStoredHashedAndWorksForItsOrganization() {
    String organizationId = createOrganization("keys-" + UUID.randomUUID());
    JsonPath created = createKey(organizationId);
    String key = created.getString("key");
    String keyId = created.getString("id");
    assertThat(key).startsWith(ApiKeys.PREFIX).hasSize(ApiKeys.PREFIX.length() + 40);
    assertThat(created.getString("key_prefix")).isEqualTo(key.substring(0, 12));

    // Only the hash is stored.
    ApiKey stored = QuarkusTransaction.requiringNew().call(() -> ApiKey.findById(keyId));
    assertThat(stored.keyHash).isEqualTo(ApiKeys.hash(key)).doesNotContain(key);

    // The key authenticates as its (empty) organization.
    Api.as(key).get("/v1/files/info").then().statusCode(200).body("num_files", equalTo(0));

    // Listing never shows the secret again.
    admin()
        .get(ORGS + "/{id}/api-keys", organizationId)
        .then()
        .statusCode(200)
        .body("[0].id", equalTo(keyId))
        .body("[0].key", nullValue())
        .body("[0].revoked_at", nullValue())
        .body(not(org.hamcrest.Matchers.containsString(key)));
  }

  @Test
  void revokedKeyStopsWorkingAtOnce() {
    String organizationId = createOrganization("revoke-" + UUID.randomUUID());
    JsonPath created = createKey(organizationId);
    String key = created.getString("key");
    Api.as(key).get("/v1/files/info").then().statusCode(200);

    admin()
        .delete(ORGS + "/{org}/api-keys/{key}", organizationId, created.getString("id"))
        .then()
        .statusCode(200)
        .body("revoked_at", not(nullValue()));

    Api.as(key)
        .get("/v1/files/info")
        .then()
        .statusCode(401)
        .contentType(Problem.MEDIA_TYPE)
        .body("code", equalTo("unauthorized"));
    admin()
        .delete(ORGS + "/{org}/api-keys/{key}", organizationId, created.getString("id"))
        .then()
        .statusCode(200);
  }

  @Test
  void adminApiNeedsTheAdminTokenAndNothingElse() {
    given().get(ORGS).then().statusCode(401).body("code", equalTo("unauthorized"));
    given()
        .header("Authorization", "Bearer wrong-token")
        .get(ORGS)
        .then()
        .statusCode(401)
        .contentType(Problem.MEDIA_TYPE);
    // An API key is no admin token, and the admin token is no API key.
    Api.api().get(ORGS).then().statusCode(401);
    Api.as(FilesTestResource.ADMIN_TOKEN).get("/v1/files/info").then().statusCode(401);
  }

  @Test
  void badInputIs4xx() {
    admin()
        .body(Map.of("name", ""))
        .post(ORGS)
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo("name"));
    admin()
        .body(Map.of("name", "x", "max_file_bytes", 0))
        .post(ORGS)
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("max_file_bytes"));
    admin()
        .body(Map.of("name", "tab\there"))
        .post(ORGS)
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("name"));
    admin().get(ORGS + "/org_unknown").then().statusCode(404).body("code", equalTo("not_found"));
    admin().body(Map.of("name", "k")).post(ORGS + "/org_unknown/api-keys").then().statusCode(404);
    String organizationId = createOrganization("other-" + UUID.randomUUID());
    admin()
        .delete(ORGS + "/{org}/api-keys/key_unknown", organizationId)
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
  }

  @Test
  void aKeyOfAnotherOrganizationCannotBeRevokedThroughThisOne() {
    String first = createOrganization("a-" + UUID.randomUUID());
    String second = createOrganization("b-" + UUID.randomUUID());
    JsonPath key = createKey(first);
    admin()
        .delete(ORGS + "/{org}/api-keys/{key}", second, key.getString("id"))
        .then()
        .statusCode(404);
    Api.as(key.getString("key")).get("/v1/files/info").then().statusCode(200);
  }
}
