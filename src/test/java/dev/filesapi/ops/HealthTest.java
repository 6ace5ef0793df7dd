package dev.filesapi.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Liveness is the process; readiness follows PostgreSQL and the object store. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class HealthTest {

  @Test
  void livenessAndReadinessAreUp() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("object-store"));
  }

  @Test
  void readinessGoesDownWithTheStoreAndComesBack() throws Exception {
    FilesTestResource.stopStore();
    try {
      given()
          .get("/q/health/ready")
          .then()
          .statusCode(503)
          .body("status", equalTo("DOWN"))
          .body("checks.find { it.name == 'object-store' }.status", equalTo("DOWN"));
      // The process itself is fine: no restart wanted.
      given().get("/q/health/live").then().statusCode(200);
    } finally {
      FilesTestResource.startStore();
    }
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }
}
