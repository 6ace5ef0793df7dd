package dev.filesapi.tenancy.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.support.DeploymentVariant;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** Without files.admin.token (DeploymentVariant) the admin API does not exist. */
@QuarkusTest
@TestProfile(DeploymentVariant.class)
@WithTestResource(FilesTestResource.class)
class AdminDisabledTest {

  @Test
  void adminApiAnswers404EvenWithAToken() {
    given()
        .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
        .get("/v1/admin/organizations")
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
  }
}
