package dev.filesapi.events;

import static dev.filesapi.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operators manage an organization's webhook endpoints with the admin token. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class AdminWebhookTest {

  private static RequestSpecification admin() {
    return given()
        .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
        .contentType(ContentType.JSON);
  }

  @Test
  void anOperatorManagesAnOrganizationsEndpoints() {
    String key = Tenants.newOrganizationKey("admin-webhooks");
    String organizationId = Tenants.organizationOf(key);
    String base = "/v1/admin/organizations/" + organizationId + "/webhooks";

    Response created = admin().body(Map.of("url", "https://hooks.example.com/ops")).post(base);
    assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
    String id = created.jsonPath().getString("id");
    assertThat(created.jsonPath().getString("secret")).startsWith("whsec_");

    // The organization sees it with its own key, and the operator sees what it sees.
    as(key).get("/v1/webhooks/{id}", id).then().statusCode(200);
    admin().get(base).then().statusCode(200).body("webhooks[0].id", equalTo(id));
    admin()
        .body(Map.of("enabled", false))
        .patch(base + "/{id}", id)
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false));
    admin()
        .post(base + "/{id}/test", id)
        .then()
        .statusCode(409)
        .body("code", equalTo("webhook_disabled"));
    admin().body(Map.of("enabled", true)).patch(base + "/{id}", id).then().statusCode(200);
    String eventId =
        admin().post(base + "/{id}/test", id).then().statusCode(202).extract().path("event_id");
    admin()
        .get(base + "/{id}/deliveries", id)
        .then()
        .statusCode(200)
        .body("deliveries[0].event_id", equalTo(eventId));
    admin().post(base + "/{id}/deliveries/{event}/redeliver", id, eventId).then().statusCode(202);
    admin().post(base + "/{id}/rotate-secret", id).then().statusCode(200);

    // Another organization's path does not reach it; an unknown organization is 404.
    String other = Tenants.organizationOf(Tenants.newOrganizationKey("admin-webhooks-other"));
    admin()
        .get("/v1/admin/organizations/" + other + "/webhooks/{id}", id)
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
    admin()
        .body(Map.of("url", "https://hooks.example.com/x"))
        .post("/v1/admin/organizations/org_nope/webhooks")
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
    admin().get("/v1/admin/organizations/org_nope/webhooks").then().statusCode(404);
    // An API key is not the admin token.
    as(key).get(base).then().statusCode(401);

    admin().delete(base + "/{id}", id).then().statusCode(204);
    as(key).get("/v1/webhooks/{id}", id).then().statusCode(404);
  }
}
