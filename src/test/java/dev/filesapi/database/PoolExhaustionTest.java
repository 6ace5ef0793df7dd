package dev.filesapi.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.DeploymentVariant;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.tenancy.ApiKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: a pool of 2 connections and 50 concurrent requests that each need one. Two requests
 * hold both connections (blocked on the find-or-create's advisory lock, which the test holds); the
 * other 48 answer 503 database_unavailable with Retry-After within the acquisition timeout instead
 * of waiting, and once the lock is released the two finish with 200.
 */
@QuarkusTest
@TestProfile(DeploymentVariant.class) // its pool of two connections
@WithTestResource(FilesTestResource.class)
class PoolExhaustionTest {
  /** Generous: the machine is shared; the point is "bounded", not "fast". */
  private static final Duration SLACK = Duration.ofSeconds(10);

  @TestHTTPResource("/")
  URI base;

  @Test
  void fiftyRequestsOnTwoConnectionsAnswer503InBoundedTimeNeverHang() throws Exception {
    Api service = Api.at(base, FilesTestResource.API_KEY);
    // The organization's id, for the lock's name; the first initiate also warms the service up.
    service.initiate("warm-up-" + UUID.randomUUID(), 1000, false);
    String name = "exhausted-" + UUID.randomUUID();
    String body =
        Api.JSON.writeValueAsString(
            Map.of(
                "filename",
                name,
                "file_type",
                "application/octet-stream",
                "num_bytes",
                1000,
                "resume_if_started",
                true));
    ExecutorService clients = Executors.newFixedThreadPool(50);
    try (Connection holder = connect()) {
      holder.setAutoCommit(false);
      // The very lock UploadInitiation takes (AdvisoryLocks: scope, organization, name).
      try (PreparedStatement lock =
          holder.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
        lock.setString(1, "upload\u001f" + organizationId(holder) + "\u001f" + name);
        lock.execute();
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Timed>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        answers.add(
            clients.submit(
                () -> {
                  start.await();
                  long began = System.nanoTime();
                  HttpResponse<String> response =
                      service.send(
                          "POST", "/v1/files/uploads/initiate", body, Duration.ofSeconds(120));
                  return new Timed(response, Duration.ofNanos(System.nanoTime() - began));
                }));
      }
      start.countDown();

      Duration bound = DeploymentVariant.ACQUISITION_TIMEOUT.plus(SLACK);
      List<Timed> refused = new ArrayList<>();
      List<Future<Timed>> waiting = new ArrayList<>();
      long deadline = System.nanoTime() + bound.multipliedBy(2).toNanos();
      while (refused.size() < 48 && System.nanoTime() < deadline) {
        refused.clear();
        waiting.clear();
        for (Future<Timed> answer : answers) {
          if (answer.isDone()) {
            refused.add(answer.get());
          } else {
            waiting.add(answer);
          }
        }
        Thread.sleep(50); // polling interval, not synchronisation: the deadline decides
      }
      assertThat(refused).as("answered while both connections were held").hasSize(48);
      for (Timed answer : refused) {
        assertThat(answer.response.statusCode()).as(answer.response.body()).isEqualTo(503);
        assertThat(answer.response.body()).contains("\"database_unavailable\"");
        assertThat(answer.response.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.took).isLessThan(bound);
      }
      // The two requests that got the pool's connections wait on the lock, and that is all of
      // this service's connections: the budget is the pool's size.
      try (Connection observer = connect();
          PreparedStatement select =
              observer.prepareStatement(
                  "select count(*) filter (where l.pid is not null),"
                      + " count(*) filter (where a.pid not in (pg_backend_pid(), ?))"
                      + " from pg_stat_activity a left join pg_locks l"
                      + " on l.pid = a.pid and l.locktype = 'advisory' and not l.granted"
                      + " where a.datname = current_database() and a.backend_type = 'client backend'");
          Statement own = holder.createStatement();
          ResultSet pid = own.executeQuery("select pg_backend_pid()")) {
        pid.next();
        select.setInt(1, pid.getInt(1));
        try (ResultSet counts = select.executeQuery()) {
          counts.next();
          assertThat(counts.getInt(1)).as("requests waiting on the lock").isEqualTo(2);
          assertThat(counts.getInt(2)).as("the service's connections").isEqualTo(2);
        }
      }
      holder.rollback();

      for (Future<Timed> answer : waiting) {
        Timed done = answer.get(60, TimeUnit.SECONDS);
        assertThat(done.response.statusCode()).as(done.response.body()).isEqualTo(200);
      }
    } finally {
      clients.shutdownNow();
    }
    // And the pool serves again.
    service.initiate(name, 1000, true);
  }

  private record Timed(HttpResponse<String> response, Duration took) {}

  private static Connection connect() throws Exception {
    var config = ConfigProvider.getConfig();
    return DriverManager.getConnection(
        config.getValue("quarkus.datasource.jdbc.url", String.class),
        config.getValue("quarkus.datasource.username", String.class),
        config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
  }

  private static String organizationId(Connection connection) throws Exception {
    try (PreparedStatement select =
        connection.prepareStatement("select organization_id from api_key where key_hash = ?")) {
      select.setString(1, ApiKeys.hash(FilesTestResource.API_KEY));
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).as("the test key's organization").isTrue();
        return row.getString(1);
      }
    }
  }
}
