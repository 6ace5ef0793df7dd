package dev.filesapi.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
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

  /** A probe's result is reused for a few seconds: the change shows within that time. */
  @Test
  void readinessGoesDownWithTheStoreAndComesBack() throws Exception {
    FilesTestResource.stopStore();
    try {
      Response down = readinessOnceItIs(503);
      assertThat(down.jsonPath().getString("status")).isEqualTo("DOWN");
      assertThat(down.jsonPath().getString("checks.find { it.name == 'object-store' }.status"))
          .isEqualTo("DOWN");
      // The process itself is fine: no restart wanted.
      given().get("/q/health/live").then().statusCode(200);
    } finally {
      FilesTestResource.startStore();
    }
    assertThat(readinessOnceItIs(200).jsonPath().getString("status")).isEqualTo("UP");
  }

  private static Response readinessOnceItIs(int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Response response = given().get("/q/health/ready");
    while (response.statusCode() != status && System.nanoTime() < deadline) {
      Thread.sleep(200); // polling interval, not synchronisation: the loop checks the state
      response = given().get("/q/health/ready");
    }
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
    return response;
  }
}
