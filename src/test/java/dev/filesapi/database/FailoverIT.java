package dev.filesapi.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.Api;
import dev.filesapi.support.PackagedApp;
import dev.filesapi.support.PostgresProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: a primary with a synchronous streaming standby (PostgreSQL 15, both on this machine),
 * the packaged jar with a multi-host URL ({@code targetServerType=primary}). Under a steady load of
 * simple uploads the primary crashes ({@code pg_ctl -m immediate}) and the standby is promoted.
 * Meanwhile requests answer 503 database_unavailable with Retry-After (never anything else, never a
 * hang); the same process serves again within seconds of the promotion; and every upload that was
 * answered 200 is there afterwards.
 */
@Tag("long")
class FailoverIT {
  private static final String API_KEY = "fk_live_failover000000000000000000000000000000";
  private static final String BUCKET = "failover";
  private static final String DATABASE = "files";
  private static final int CLIENTS = 4;

  /** How long the primary is gone before the standby is promoted: an operator's detection time. */
  private static final Duration DETECTION = Duration.ofSeconds(3);

  /** Generous bounds for a shared 2-core machine; the answers are typically much faster. */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

  private static final Duration REQUEST_BOUND = Duration.ofSeconds(30);

  private record Answer(String name, int status, String code, boolean retryAfter, long atNanos) {}

  @Test
  void aPromotionUnderLoadIsAnOutageOfSecondsAndLosesNothingAcknowledged() throws Exception {
    assumeTrue(PostgresProcess.available(), "PostgreSQL 15 binaries are not installed");
    try (PostgresProcess primary =
            PostgresProcess.start("primary", "wal_level=replica", "max_wal_senders=5");
        EmbeddedStore store =
            EmbeddedStore.inMemory("failover-access", "failover-secret").start(0, BUCKET)) {
      primary.createDatabase(DATABASE);
      try (PostgresProcess standby = primary.startStandby("standby", "hot_standby=on")) {
        // Synchronous from now on: a commit is acknowledged once the standby has flushed it.
        primary.execute("postgres", "alter system set synchronous_standby_names = '*'");
        primary.execute("postgres", "select pg_reload_conf()");
        awaitSynchronousStandby(primary);

        String url =
            "jdbc:postgresql://127.0.0.1:"
                + primary.port()
                + ",127.0.0.1:"
                + standby.port()
                + "/"
                + DATABASE
                + "?targetServerType=primary&hostRecheckSeconds=2";
        List<String> options = new ArrayList<>();
        options.add("-Dquarkus.datasource.jdbc.url=" + url);
        options.add("-Dquarkus.datasource.username=" + PostgresProcess.USER);
        options.addAll(PackagedApp.storeSettings(store, BUCKET));
        options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
        options.add("-Dquarkus.log.console.json.enabled=false");
        try (PackagedApp app = PackagedApp.start("failover-", options)) {
          URI base = app.awaitReady(Duration.ofSeconds(120));
          Api service = Api.at(base, API_KEY);
          runFailover(app, service, primary, standby);
        }
      }
    }
  }

  private void runFailover(
      PackagedApp app, Api service, PostgresProcess primary, PostgresProcess standby)
      throws Exception {
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger counter = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> loops = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      loops.add(
          clients.submit(
              () -> {
                while (running.get()) {
                  String name = "failover-" + counter.incrementAndGet() + ".txt";
                  HttpResponse<String> response =
                      service.simpleUpload(
                          name, "text/plain", name.getBytes(StandardCharsets.UTF_8), REQUEST_BOUND);
                  String code = null;
                  if (response.statusCode() != 200) {
                    code = Api.JSON.readTree(response.body()).path("code").asText();
                  }
                  answers.add(
                      new Answer(
                          name,
                          response.statusCode(),
                          code,
                          response.headers().firstValue("Retry-After").isPresent(),
                          System.nanoTime()));
                }
                return null;
              }));
    }
    try {
      awaitAnswers(answers, 20, Duration.ofSeconds(60));
      long crashed = System.nanoTime();
      primary.stop("immediate");
      Thread.sleep(DETECTION.toMillis()); // the outage being tested, not synchronisation
      long promoted = System.nanoTime();
      standby.promote();
      // Recovered: ten uploads answered 200 after the promotion.
      long deadline = promoted + RECOVERY_BOUND.toNanos();
      while (answers.stream().filter(a -> a.atNanos > promoted && a.status == 200).count() < 10) {
        assertThat(System.nanoTime())
            .as(
                "10 uploads answered 200 within %s of the promotion; answers since the crash: %s\n%s",
                RECOVERY_BOUND, summary(answers, crashed), app.report())
            .isLessThan(deadline);
        Thread.sleep(50); // polling interval, not synchronisation: the deadline decides
      }
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get();
      }
      assertThat(app.process().isAlive()).as("recovered without a restart").isTrue();

      List<Answer> all = new ArrayList<>(answers);
      List<Answer> during = all.stream().filter(a -> a.atNanos > crashed).toList();
      assertThat(during.stream().filter(a -> a.status == 503))
          .as("the outage was seen as 503s")
          .isNotEmpty();
      for (Answer answer : all) {
        if (answer.status != 200) {
          assertThat(answer.status).as(summary(answers, crashed)).isEqualTo(503);
          assertThat(answer.code).isEqualTo("database_unavailable");
          assertThat(answer.retryAfter).as("Retry-After on " + answer).isTrue();
        }
      }
      Long firstOkAfterPromotion =
          all.stream()
              .filter(a -> a.atNanos > promoted && a.status == 200)
              .map(a -> a.atNanos)
              .min(Long::compare)
              .orElseThrow();
      Duration outageAfterPromotion = Duration.ofNanos(firstOkAfterPromotion - promoted);
      System.out.printf(
          "failover: %d answers, %d after the crash, first 200 %d ms after the promotion%n",
          all.size(), during.size(), outageAfterPromotion.toMillis());
      assertThat(outageAfterPromotion).isLessThan(RECOVERY_BOUND);

      // Nothing acknowledged is lost: every upload answered 200 is on the new primary.
      List<String> acknowledged =
          all.stream().filter(a -> a.status == 200).map(a -> a.name).toList();
      for (String name : acknowledged) {
        JsonNode file = service.expect(200, "GET", "/v1/files/metadata/" + name, null);
        assertThat(file.get("file_id").asText()).isEqualTo(name);
      }
      try (var connection = standby.connect(DATABASE);
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("select pg_is_in_recovery()")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getBoolean(1)).as("the standby is the primary now").isFalse();
      }
    } finally {
      running.set(false);
      clients.shutdownNow();
    }
  }

  private static void awaitSynchronousStandby(PostgresProcess primary) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (var connection = primary.connect("postgres");
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "select count(*) from pg_stat_replication where sync_state = 'sync'")) {
        rows.next();
        if (rows.getInt(1) == 1) {
          return;
        }
      }
      Thread.sleep(100); // polling interval, not synchronisation: the deadline decides
    }
    throw new AssertionError("the standby did not become synchronous\n" + primary.log());
  }

  private static void awaitAnswers(
      ConcurrentLinkedQueue<Answer> answers, int count, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (answers.stream().filter(a -> a.status == 200).count() < count) {
      assertThat(System.nanoTime()).as("uploads before the crash: " + answers).isLessThan(deadline);
      Thread.sleep(50); // polling interval, not synchronisation: the deadline decides
    }
  }

  private static String summary(ConcurrentLinkedQueue<Answer> answers, long since) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Answer answer : answers) {
      if (answer.atNanos > since) {
        counts.merge(answer.status + " " + answer.code, 1, Integer::sum);
      }
    }
    return counts.toString();
  }
}
