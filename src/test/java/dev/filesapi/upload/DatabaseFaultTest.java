package dev.filesapi.upload;

import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.problem;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.common.DatabaseUnavailableException;
import dev.filesapi.file.FileListing;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away: every call that needs it answers 503 database_unavailable with Retry-After
 * within the pool's acquisition timeout (5 s) instead of a 500 or a hang, readiness is DOWN, and
 * the same calls succeed once the database is back, without restarting the service. The class has
 * its own database (and so its own profile): stopping it leaves the one other classes share alone.
 */
@QuarkusTest
@TestProfile(DatabaseFaultTest.OwnDatabase.class)
@WithTestResource(
    value = FilesTestResource.class,
    initArgs =
        @ResourceArg(name = FilesTestResource.DATABASE, value = FilesTestResource.RESTARTABLE))
class DatabaseFaultTest {
  private static final String KEY = FilesTestResource.API_KEY;
  private static final String DATABASE_CHECK = "Database connections health check";

  /** Three times the 5 s acquisition timeout: bounded, with room for a loaded machine. */
  private static final Duration BOUND = Duration.ofSeconds(15);

  /** Only to be a profile of its own; the configuration is the application's. */
  public static class OwnDatabase implements QuarkusTestProfile {}

  @Inject FileListing listing;

  @Test
  void callsWithoutTheDatabaseAre503AndSucceedOnceItIsBack() {
    // The pool holds connections when the database stops: ended by the database, as in production.
    timed(DatabaseFaultTest::info).then().statusCode(200);
    timed(DatabaseFaultTest::wholeList).then().statusCode(200);
    Api.initiate(KEY, unique("db-before"), 6L * MIB, false).then().statusCode(200);

    String filename = unique("db-fault");
    FilesTestResource.stopDatabase();
    try {
      assertUnavailable(timed(DatabaseFaultTest::info));
      assertUnavailable(timed(DatabaseFaultTest::wholeList));
      assertUnavailable(timed(() -> Api.initiate(KEY, filename, 6L * MIB, false)));
      // Through Hibernate and a JTA transaction rather than a plain JDBC call.
      assertUnavailable(
          timed(
              () ->
                  given()
                      .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
                      .get("/v1/admin/organizations")));
      // The listing's own query, had the key lookup before it succeeded.
      assertThatThrownBy(() -> listing.list("org_any", Optional.empty(), FileListing.Range.ALL))
          .isInstanceOf(DatabaseUnavailableException.class);

      Response ready = timed(() -> given().get("/q/health/ready"));
      assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(503);
      assertThat(ready.jsonPath().getString("status")).isEqualTo("DOWN");
      assertThat(checkStatus(ready, DATABASE_CHECK)).isEqualTo("DOWN");
      // The process itself is fine: no restart wanted.
      given().get("/q/health/live").then().statusCode(200);
    } finally {
      FilesTestResource.startDatabase();
    }

    Response ready = timed(() -> given().get("/q/health/ready"));
    assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(200);
    timed(DatabaseFaultTest::info).then().statusCode(200);
    timed(DatabaseFaultTest::wholeList).then().statusCode(200);
    byte[] content = UploadTestSupport.content(6 * MIB + 3, 16);
    JsonPath initiated = RaceSupport.uploadedAndCheckpointed(filename, content);
    Response completed =
        Api.api()
            .body(Map.of("parts", List.of()))
            .post("/v1/files/uploads/{id}/complete", initiated.getString("upload_id"));
    assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(200);
    given()
        .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
        .get("/v1/admin/organizations")
        .then()
        .statusCode(200);
  }

  private static Response info() {
    return Api.api().get("/v1/files/info");
  }

  private static Response wholeList() {
    return Api.api()
        .queryParam("shard_index", -1)
        .queryParam("max_items_per_shard", -1)
        .get("/v1/files/metadata");
  }

  private static void assertUnavailable(Response response) {
    JsonPath body = problem(response, 503, "database_unavailable");
    assertThat(body.getString("errors[0].code")).isEqualTo("database_unavailable");
    assertThat(response.getHeader("Retry-After")).as("Retry-After").isEqualTo("5");
  }

  /** The call's response, asserting it came within {@link #BOUND}. */
  private static Response timed(Supplier<Response> call) {
    long start = System.nanoTime();
    Response response = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("time to answer %s", response.asString()).isLessThan(BOUND);
    return response;
  }

  private static String checkStatus(Response health, String name) {
    return health.jsonPath().getString("checks.find { it.name == '" + name + "' }.status");
  }
}
