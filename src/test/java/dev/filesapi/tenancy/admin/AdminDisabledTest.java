package dev.filesapi.tenancy.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without files.admin.token the admin API does not exist. */
@QuarkusTest
@TestProfile(AdminDisabledTest.NoAdminToken.class)
@WithTestResource(FilesTestResource.class)
class AdminDisabledTest {

  public static class NoAdminToken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("files.admin.token", "");
    }
  }

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
