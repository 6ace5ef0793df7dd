package dev.filesapi.packaged;

import static dev.filesapi.support.Api.api;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.PackagedService;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an orchestrator and a scraper see of the packaged application: health probes (the readiness
 * check reaches PostgreSQL and the bucket), Prometheus metrics and the OpenAPI document.
 */
@ExtendWith(PackagedService.class)
class PackagedOperationsIT {

  @Test
  void readinessIsUpWithDatabaseAndStore() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.status", hasItem("UP"));
  }

  @Test
  void livenessIsUp() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void prometheusCountsUploads() {
    String uploadId =
        Api.initiate(FilesTestResource.API_KEY, "metrics-" + UUID.randomUUID(), 10, false)
            .then()
            .statusCode(200)
            .extract()
            .path("upload_id");
    api().post("/v1/files/uploads/{id}/abort", uploadId).then().statusCode(200);

    String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(scrape)
        .contains("files_uploads_total{backend=\"s3\",event=\"initiated\"}")
        .contains("files_uploads_total{backend=\"s3\",event=\"aborted\"}")
        .contains("http_server_requests_seconds_bucket");
  }

  @Test
  void openApiDescribesTheApi() {
    given()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body(containsString("Files API"))
        .body(containsString("/v1/files/uploads/initiate"));
  }

  @Test
  void openApiStatesTheProjectsTermsByDefault() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("info.license.name", equalTo("Proprietary"))
        .body("info.license.identifier", equalTo("LicenseRef-Proprietary"));
  }
}
