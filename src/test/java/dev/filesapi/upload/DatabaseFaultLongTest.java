package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.database.DatabaseUnavailableException;
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
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL going away: every call that needs it answers 503 database_unavailable with Retry-After
 * within the pool's acquisition timeout (5 s) instead of a 500 or a hang, readiness is DOWN, and
 * the same calls succeed once the database is back, without restarting the service. The class has
 * its own database (and so its own profile): stopping it leaves the one other classes share alone.
 */
@QuarkusTest
@TestProfile(DatabaseFaultLongTest.OwnDatabase.class)
@WithTestResource(
    value = FilesTestResource.class,
    initArgs =
        @ResourceArg(name = FilesTestResource.DATABASE, value = FilesTestResource.RESTARTABLE))
@Tag("long") // PostgreSQL stopped and started again, in an application start of its own
class DatabaseFaultLongTest {
  private static final String KEY = FilesTestResource.API_KEY;
  private static final String DATABASE_CHECK = "Database connections health check";

  /** Three times the 5 s acquisition timeout: bounded, with room for a loaded machine. */
  private static final Duration BOUND = Duration.ofSeconds(15);

  /** The protocol's SSLRequest and GSSENCRequest codes. */
  private static final Set<Integer> ENCRYPTION_REQUESTS = Set.of(80877103, 80877104);

  /** Only to be a profile of its own; the configuration is the application's. */
  public static class OwnDatabase implements QuarkusTestProfile {}

  @Inject FileListing listing;

  @Test
  void callsWithoutTheDatabaseAre503AndSucceedOnceItIsBack() {
    // The pool holds connections when the database stops: ended by the database, as in production.
    timed(DatabaseFaultLongTest::info).then().statusCode(200);
    timed(DatabaseFaultLongTest::wholeList).then().statusCode(200);
    Api.initiate(KEY, unique("db-before"), 6L * MIB, false).then().statusCode(200);

    String filename = unique("db-fault");
    FilesTestResource.stopDatabase();
    try {
      assertUnavailable(timed(DatabaseFaultLongTest::info));
      assertUnavailable(timed(DatabaseFaultLongTest::wholeList));
      assertUnavailable(timed(() -> Api.initiate(KEY, filename, 6L * MIB, false)));
      // Through Hibernate and a JTA transaction rather than a plain JDBC call.
      assertUnavailable(
          timed(
              () ->
                  given()
                      .header("Authorization", "Bearer " + FilesTestResource.ADMIN_TOKEN)
                      .get("/v1/admin/organizations")));
      // The listing's own query, had the key lookup before it succeeded.
      assertThatThrownBy(() -> listing.all("org_any", Optional.empty(), () -> false))
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
    timed(DatabaseFaultLongTest::info).then().statusCode(200);
    timed(DatabaseFaultLongTest::wholeList).then().statusCode(200);
    byte[] content = UploadTestSupport.content(6 * MIB + 3, 16);
    JsonPath initiated = Api.uploadedAndCheckpointed(KEY, filename, content);
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

  /**
   * A database that accepts connections and never finishes a login (hung, or a half-open network
   * path): the call is 503 once the acquisition timeout is over, and the pool, which opens
   * connections on one thread, is not left waiting forever on that login once the database is back
   * (pgjdbc's loginTimeout).
   */
  @Test
  void aDatabaseThatNeverAnswersIs503AndDoesNotHoldThePoolAfterwards() throws Exception {
    int port = FilesTestResource.databasePort();
    FilesTestResource.stopDatabase();
    List<Socket> held = new CopyOnWriteArrayList<>();
    try {
      try (ServerSocket silent = new ServerSocket()) {
        silent.setReuseAddress(true);
        silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Thread acceptor = new Thread(() -> holdConnections(silent, held), "silent-database");
        acceptor.setDaemon(true);
        acceptor.start();
        // Connections the pool still holds fail at once; then it tries a new one, which hangs.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (held.isEmpty() && System.nanoTime() < deadline) {
          assertUnavailable(timed(DatabaseFaultLongTest::info));
        }
        assertThat(held).as("logins the silent database held").isNotEmpty();
        Response ready = timed(() -> given().get("/q/health/ready"));
        assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(503);
      }
      // The held logins stay open and silent while the real database comes back on the port.
      FilesTestResource.startDatabase();
      Response answered =
          firstAnswerOtherThan503(DatabaseFaultLongTest::info, Duration.ofSeconds(30));
      assertThat(answered.statusCode()).as(answered.asString()).isEqualTo(200);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
      FilesTestResource.startDatabase();
    }
    Api.initiate(KEY, unique("db-silent"), 6L * MIB, false).then().statusCode(200);
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

  /** Calls until the answer is not 503 or the deadline has passed; returns the last answer. */
  private static Response firstAnswerOtherThan503(Supplier<Response> call, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    Response response = timed(call);
    while (response.statusCode() == 503 && System.nanoTime() < deadline) {
      response = timed(call);
    }
    return response;
  }

  private static String checkStatus(Response health, String name) {
    return health.jsonPath().getString("checks.find { it.name == '" + name + "' }.status");
  }

  /**
   * Accepts every connection, declines encryption when asked (as a server without TLS does), then
   * never answers again: the login hangs after the driver's bounded encryption request.
   */
  private static void holdConnections(ServerSocket silent, List<Socket> held) {
    try {
      while (!silent.isClosed()) {
        Socket connection = silent.accept();
        held.add(connection);
        DataInputStream in = new DataInputStream(connection.getInputStream());
        while (in.readInt() == 8 && ENCRYPTION_REQUESTS.contains(in.readInt())) {
          connection.getOutputStream().write('N');
          connection.getOutputStream().flush();
        }
      }
    } catch (SocketException closed) {
      // The test closed the listening socket: stop accepting.
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
