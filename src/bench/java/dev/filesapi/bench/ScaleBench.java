package dev.filesapi.bench;

import static dev.filesapi.bench.ServiceBench.log;
import static dev.filesapi.bench.ServiceBench.percentile;
import static dev.filesapi.bench.ServiceBench.round;
import static dev.filesapi.bench.ServiceBench.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.tenancy.ApiKeys;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bench/run.sh --scale=N}: the reads of issue 18 against one organization holding N files
 * and N uploads. The rows are seeded in SQL through the service's own schema (after Flyway has
 * migrated it), in statements of a million rows; then every read is timed over loopback against the
 * packaged service, with the server's own time from {@code /q/metrics}, and the queries that must
 * stay index lookups are shown with their plans.
 */
public final class ScaleBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_KEY = "fk_live_scale" + "0".repeat(35);
  private static final String EMPTY_KEY = "fk_live_empty" + "0".repeat(35);
  private static final String BUCKET = "scale";
  private static final String ACCESS = "scale-access";
  private static final String SECRET = "scale-secret-key";
  private static final int IN_PROGRESS = 500;
  private static final int BATCH = 1_000_000;
  private static final String[] TYPES = {"application/pdf", "image/png", "text/csv"};

  /** Part of every name this run registers, so runs on a kept database never collide. */
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  private final long files;
  private final Path jar;
  private final Path out;
  private final List<String> serviceJvm;
  private final Path data;
  private final ObjectNode results = JSON.createObjectNode();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Random random = new Random(18);

  private EmbeddedPostgres postgres;
  private EmbeddedStore store;
  private ServiceProcess service;
  private long servicePid;
  private String base;
  private Path work;
  private String organization;

  private ScaleBench(long files, Path jar, Path out, List<String> serviceJvm, Path data) {
    this.data = data;
    this.files = files;
    this.jar = jar;
    this.out = out;
    this.serviceJvm = serviceJvm;
  }

  public static void main(String[] args) throws Exception {
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
    long files = 1_000_000;
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    Path out = null;
    List<String> jvm = new ArrayList<>();
    Path data = null;
    for (String arg : args) {
      if (arg.startsWith("--scale=")) {
        files = Long.parseLong(arg.substring(8).replace("_", "").replace(",", ""));
      } else if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring(6));
      } else if (arg.startsWith("--scale-data=")) {
        data = Path.of(arg.substring(13)).toAbsolutePath();
      } else if (arg.startsWith("--service-jvm=")) {
        jvm.add(arg.substring(14));
      } else if (arg.startsWith("--image-jvm=")) {
        // The RSS verdicts of ServiceBench; the scale bench reports RSS growth instead.
      } else {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    if (files < 10_000) {
      throw new IllegalArgumentException("--scale needs at least 10,000 files");
    }
    if (out == null) {
      out = Path.of("bench/results/scale-" + files + ".json");
    }
    ScaleBench bench = new ScaleBench(files, jar, out, jvm, data);
    int status = 1;
    try {
      bench.run();
      status = 0;
    } catch (Exception | Error e) {
      e.printStackTrace();
    } finally {
      bench.stop();
    }
    System.exit(status);
  }

  private void run() throws Exception {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: ./mvnw package -DskipTests first");
    }
    ObjectNode machine = results.putObject("machine");
    machine.put("processors", Runtime.getRuntime().availableProcessors());
    machine.put("load_average_at_start", loadAverage());
    machine.put("started_at", Instant.now().toString());
    results.put("files", files);
    results.put("uploads", files);
    work = Files.createTempDirectory("files-scale-");
    Files.createDirectories(work.resolve("objects"));
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (data != null) {
      // Kept between runs: seeded once, measured again without seeding.
      Files.createDirectories(data);
      builder.setDataDirectory(data).setCleanDataDirectory(false);
    }
    postgres =
        builder
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "100")
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("shared_buffers", "512MB")
            .setServerConfig("maintenance_work_mem", "512MB")
            .setServerConfig("work_mem", "16MB")
            .setServerConfig("max_wal_size", "8GB")
            .setServerConfig("checkpoint_timeout", "30min")
            .start();
    store = EmbeddedStore.onDisk(work.resolve("objects"), ACCESS, SECRET).start(0, BUCKET);
    startService();

    seed();
    machine.put("load_average_after_seed", loadAverage());
    warmUp();
    info();
    oneRecord();
    listingPages();
    cursorPages();
    uploadPages();
    plans();
    initiateAndComplete();
    concurrentCompletes();
    concurrentRegistrations();
    wholeListing();

    machine.put("load_average_at_end", loadAverage());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(
        out, JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results) + "\n");
    System.out.println();
    System.out.println(table());
    log("results written to %s", out);
  }

  // ---- seed ----

  /**
   * N uploads (the newest 500 in progress, 1 % aborted, 1 % expired, the rest completed) and N
   * files, the completed uploads' files pointing at their upload; then VACUUM ANALYZE, as
   * autovacuum would have done in a database that grew to this size.
   */
  private void seed() throws Exception {
    try (Connection db = connect()) {
      organization = scalar(db, "select organization_id from api_key where key_hash = ?", hash());
      String last = "upl_seed" + String.format(Locale.ROOT, "%012d", files);
      if (!"0".equals(scalar(db, "select count(*) from upload where id = ?", last))) {
        log("the database in %s is seeded already", data);
        results.put("seeded_before", true);
        return;
      }
    }
    log("seeding %,d files and %,d uploads for one organization", files, files);
    long started = System.nanoTime();
    try (Connection db = connect()) {
      // A second organization, without files, to compare initiate and complete with.
      execute(
          db,
          "insert into organization (id, name, created_at) values ('org_empty', 'empty', now())");
      execute(
          db,
          "insert into api_key (id, organization_id, key_hash, key_prefix, name, created_at)"
              + " values ('key_empty', 'org_empty', ?, 'fk_live_empt', 'bench', now())",
          ApiKeys.hash(EMPTY_KEY));
      for (long from = 1; from <= files; from += BATCH) {
        long to = Math.min(files, from + BATCH - 1);
        execute(db, UPLOADS_SEED, organization, files, from, to);
        execute(db, FILES_SEED, organization, files, from, to);
        log("  %,d of %,d rows of each (%.0f s)", to, files, (System.nanoTime() - started) / 1e9);
      }
      long seeded = System.nanoTime();
      try (Statement statement = db.createStatement()) {
        statement.execute("vacuum analyze upload");
        statement.execute("vacuum analyze stored_file");
      }
      ObjectNode node = results.putObject("seed");
      node.put("insert_seconds", round((seeded - started) / 1e9));
      node.put("vacuum_analyze_seconds", round((System.nanoTime() - seeded) / 1e9));
      node.put(
          "database_size",
          scalar(db, "select pg_size_pretty(pg_database_size(current_database()))"));
      node.put(
          "stored_file_size",
          scalar(db, "select pg_size_pretty(pg_total_relation_size('stored_file'))"));
      node.put(
          "upload_size", scalar(db, "select pg_size_pretty(pg_total_relation_size('upload'))"));
      log(
          "  seeded in %.0f s, vacuum analyze %.0f s; database %s",
          (seeded - started) / 1e9,
          (System.nanoTime() - seeded) / 1e9,
          node.path("database_size").asText());
    }
  }

  private static final String UPLOADS_SEED =
      """
      insert into upload (id, organization_id, file_uid, filename, file_type, num_bytes, part_size,
          num_parts, backend, storage_key, backend_upload_id, integrity_algorithm, status,
          created_at, updated_at, expires_at, completed_at)
      select 'upl_seed' || lpad(n::text, 12, '0'), o.id, 'fil_seed' || lpad(n::text, 12, '0'),
             'seed/' || lpad(n::text, 12, '0') || '.bin',
             (array['application/pdf', 'image/png', 'text/csv'])[n % 3 + 1],
             1 + n % 100000, 8388608, 1, 's3',
             'orgs/' || o.id || '/files/fil_seed' || lpad(n::text, 12, '0'), 'seed', 'none',
             s.status, t.at, t.at,
             case when s.status = 'in_progress' then now() + interval '7 days'
                  else t.at + interval '7 days' end,
             case when s.status = 'completed' then t.at end
      from (select ?::text as id, ?::bigint as total) o
      cross join generate_series(?::bigint, ?::bigint) as n
      cross join lateral (select timestamptz '2025-01-01 00:00:00+00'
                                 + n * interval '10 milliseconds' as at) t
      cross join lateral (select case when n > o.total - 500 then 'in_progress'
                                      when n % 100 = 1 then 'aborted'
                                      when n % 100 = 2 then 'expired'
                                      else 'completed' end as status) s
      """;

  private static final String FILES_SEED =
      """
      insert into stored_file (file_uid, organization_id, file_id, upload_id, file_type, num_bytes,
          status, checksum_algorithm, checksum_value, storage_key, backend, created_at)
      select 'fil_seed' || lpad(n::text, 12, '0'), o.id,
             'seed/' || lpad(n::text, 12, '0') || '.bin',
             case when n <= o.total - 500 and n % 100 not in (1, 2)
                  then 'upl_seed' || lpad(n::text, 12, '0') end,
             (array['application/pdf', 'image/png', 'text/csv'])[n % 3 + 1],
             1 + n % 100000, 'REGISTERED', null, null,
             'orgs/' || o.id || '/files/fil_seed' || lpad(n::text, 12, '0'), 's3',
             timestamptz '2025-01-01 00:00:00+00' + n * interval '10 milliseconds'
      from (select ?::text as id, ?::bigint as total) o
      cross join generate_series(?::bigint, ?::bigint) as n
      order by n
      """;

  // ---- reads ----

  /** Every read path a few dozen times, so the service's compilers have seen them. */
  private void warmUp() throws Exception {
    log("warming up the read paths");
    for (int i = 0; i < 50; i++) {
      require(get("/v1/files/info", API_KEY), 200);
      require(get("/v1/files/metadata/" + enc(seedName(1 + nextLong(files))), API_KEY), 200);
      HttpResponse<String> shard =
          require(
              get("/v1/files/metadata?shard_index=" + i % 5 + "&max_items_per_shard=1000", API_KEY),
              200);
      require(get(linkTarget(shard.headers().firstValue("Link").orElseThrow()), API_KEY), 200);
      require(get("/v1/files/uploads?limit=100", API_KEY), 200);
    }
  }

  private void info() throws Exception {
    Phase phase = measure("info", 300, i -> get("/v1/files/info", API_KEY), "/files/info\"");
    JsonNode body = JSON.readTree(get("/v1/files/info", API_KEY).body());
    phase.node.put("num_files", body.path("num_files").asLong());
    if (body.path("num_files").asLong() < files) {
      throw new IllegalStateException("info counts " + body + ", seeded " + files);
    }
  }

  private void oneRecord() throws Exception {
    measure(
        "one_record",
        300,
        i -> get("/v1/files/metadata/" + enc(seedName(1 + nextLong(files))), API_KEY),
        "/files/metadata/{file_id");
  }

  private void listingPages() throws Exception {
    long deepest = (files + 999) / 1000 - 1;
    measure(
        "first_shard_1000",
        40,
        i -> get("/v1/files/metadata?shard_index=0&max_items_per_shard=1000", API_KEY),
        "/files/metadata\"");
    measure(
        "first_shard_1000_file_type",
        40,
        i ->
            get(
                "/v1/files/metadata?shard_index=0&max_items_per_shard=1000&file_type="
                    + enc(TYPES[i % 3]),
                API_KEY),
        "/files/metadata\"");
    measure(
        "middle_shard_1000",
        10,
        i ->
            get(
                "/v1/files/metadata?shard_index=" + (files / 2000) + "&max_items_per_shard=1000",
                API_KEY),
        "/files/metadata\"");
    measure(
        "deepest_shard_1000",
        6,
        i ->
            get("/v1/files/metadata?shard_index=" + deepest + "&max_items_per_shard=1000", API_KEY),
        "/files/metadata\"");
    measure(
        "deepest_shard_1000_file_type",
        4,
        i ->
            get(
                "/v1/files/metadata?shard_index="
                    + (files / 3000 - 1)
                    + "&max_items_per_shard=1000&file_type="
                    + enc(TYPES[0]),
                API_KEY),
        "/files/metadata\"");
    measure(
        "past_the_end_shard",
        40,
        i -> get("/v1/files/metadata?shard_index=2147483647&max_items_per_shard=1000", API_KEY),
        "/files/metadata\"");
  }

  /**
   * Pages through {@code Link: rel="next"}: a chain from the first page, and pages at random places
   * (cursors made from the file_index a single record reports, as a client that kept one from
   * earlier would hold).
   */
  private void cursorPages() throws Exception {
    List<String> chain = new ArrayList<>();
    String next = "/v1/files/metadata?max_items_per_shard=1000&shard_index=0";
    for (int i = 0; i < 21 && next != null; i++) {
      HttpResponse<String> page = get(next, API_KEY);
      next = page.headers().firstValue("Link").map(ScaleBench::linkTarget).orElse(null);
      if (i > 0 && next != null) {
        chain.add(next);
      }
    }
    measure(
        "cursor_chain_1000", chain.size(), i -> get(chain.get(i), API_KEY), "/files/metadata\"");
    List<String> cursors = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long index =
          JSON.readTree(
                  get("/v1/files/metadata/" + enc(seedName(1 + nextLong(files))), API_KEY).body())
              .path("file_index")
              .asLong();
      cursors.add(
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(("fi:" + index).getBytes(StandardCharsets.US_ASCII)));
    }
    measure(
        "cursor_random_1000",
        cursors.size(),
        i -> get("/v1/files/metadata?max_items_per_shard=1000&cursor=" + cursors.get(i), API_KEY),
        "/files/metadata\"");
  }

  private void uploadPages() throws Exception {
    for (String status : new String[] {null, "in_progress", "completed", "aborted"}) {
      String query = "/v1/files/uploads?limit=100" + (status == null ? "" : "&status=" + status);
      String name = "uploads_" + (status == null ? "all" : status);
      List<String> pages = new ArrayList<>();
      String next = query;
      for (int i = 0; i < 15 && next != null; i++) {
        pages.add(next);
        String cursor = JSON.readTree(get(next, API_KEY).body()).path("next_cursor").asText(null);
        next = cursor == null ? null : query + "&cursor=" + cursor;
      }
      // And a cursor in the middle of the organization's uploads.
      long middle = files / 2;
      pages.add(query + "&cursor=" + uploadCursor(middle));
      measure(name, pages.size(), i -> get(pages.get(i), API_KEY), "/files/uploads\"");
    }
  }

  /** A cursor just after seeded upload n, as UploadCursor encodes it (micros:id). */
  private static String uploadCursor(long n) {
    long micros = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond() * 1_000_000L + n * 10_000L;
    String raw = micros + ":upl_seed" + String.format(Locale.ROOT, "%012d", n);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  // ---- plans of the queries that must stay index lookups ----

  private void plans() throws Exception {
    ObjectNode node = results.putObject("plans");
    String name = seedName(files / 2);
    try (Connection db = connect()) {
      db.setAutoCommit(false);
      plan(
          db,
          node,
          "quota_in_progress_count",
          "select count(*) from upload where organization_id = $1 and status = 'in_progress'",
          organization);
      plan(
          db,
          node,
          "resume_lookup",
          "select id from upload where organization_id = $1 and filename = $2"
              + " and status = 'in_progress' order by created_at desc limit 1",
          organization,
          name);
      plan(
          db,
          node,
          "janitor_expire_claim",
          "select id from upload where status = 'in_progress' and expires_at < $1::timestamptz order by expires_at limit 100 for update skip locked",
          Instant.now().toString());
      plan(
          db,
          node,
          "janitor_repair_claim",
          "select id from upload where status = 'completing' and updated_at < $1::timestamptz order by updated_at limit 100 for update skip locked",
          Instant.now().toString());
      plan(
          db,
          node,
          "one_record",
          "select * from stored_file where organization_id = $1 and file_id = $2",
          organization,
          name);
      plan(
          db,
          node,
          "info",
          "select sum(num_files), sum(num_bytes), max(last_updated) from file_totals where organization_id = $1",
          organization);
      plan(db, node, "deepest_shard", SHARD_SQL, organization, String.valueOf(files - 1000));
      plan(db, node, "middle_shard", SHARD_SQL, organization, String.valueOf(files / 2));
      db.rollback();
    }
  }

  /** FileListing.shard's query without a file_type, for 1,000 records. */
  private static final String SHARD_SQL =
      "with total as (select coalesce(sum(num_files), 0) as n from file_totals"
          + " where organization_id = $1)"
          + " select f.file_id, f.file_uid, f.file_type, f.num_bytes, f.status,"
          + " f.checksum_algorithm, f.checksum_value, f.created_at, f.file_index"
          + " from stored_file f where f.organization_id = $1 and f.file_index >="
          + " (select case when $2::bigint >= t.n then null when $2::bigint * 2 < t.n then"
          + " (select file_index from stored_file where organization_id = $1"
          + " order by file_index offset $2::bigint limit 1)"
          + " else (select file_index from stored_file where organization_id = $1"
          + " order by file_index desc offset (t.n - 1 - $2::bigint)::bigint limit 1) end"
          + " from total t) order by f.file_index limit 1001";

  /**
   * EXPLAIN ANALYZE of a prepared statement twice: with the plan for these values (what the first
   * executions of a JDBC statement get) and with the generic plan (what PostgreSQL may switch to
   * after five), since a partial index only serves the first kind.
   */
  private void plan(Connection db, ObjectNode node, String name, String sql, String... values)
      throws SQLException {
    ObjectNode entry = node.putObject(name);
    entry.put("sql", sql);
    StringBuilder args = new StringBuilder();
    for (String value : values) {
      args.append(args.length() == 0 ? "" : ", ")
          .append("'")
          .append(value.replace("'", "''"))
          .append("'");
    }
    try (Statement statement = db.createStatement()) {
      statement.execute("deallocate all");
      statement.execute("prepare q as " + sql);
      for (String mode : new String[] {"force_custom_plan", "force_generic_plan"}) {
        statement.execute("set plan_cache_mode = " + mode);
        List<String> lines = new ArrayList<>();
        try (ResultSet rows =
            statement.executeQuery(
                "explain (analyze, buffers, costs off) execute q"
                    + (values.length == 0 ? "" : "(" + args + ")"))) {
          while (rows.next()) {
            lines.add(rows.getString(1));
          }
        }
        ArrayNode plan = entry.putArray(mode.replace("force_", ""));
        lines.forEach(plan::add);
        String time =
            lines.stream().filter(l -> l.startsWith("Execution Time")).findFirst().orElse("?");
        // A sequential scan of the big tables (file_totals is a few rows: scanning it is fine).
        boolean seqScan =
            lines.stream()
                .anyMatch(
                    l -> l.contains("Seq Scan on stored_file") || l.contains("Seq Scan on upload"));
        entry.put(mode.replace("force_", "") + "_execution", time.replace("Execution Time: ", ""));
        entry.put(mode.replace("force_", "") + "_seq_scan", seqScan);
        log("  plan %s (%s): %s%s", name, mode, time, seqScan ? " SEQ SCAN" : "");
      }
      statement.execute("reset plan_cache_mode");
      statement.execute("deallocate q");
    }
  }

  // ---- writes at this size ----

  /**
   * Initiate + PUT + complete of 1 KiB files, one at a time, alternating between the large
   * organization and an empty one; each request's server time from the metrics around it.
   */
  private void initiateAndComplete() throws Exception {
    String[][] orgs = {{"large_org", API_KEY}, {"empty_org", EMPTY_KEY}};
    for (int i = 0; i < 30; i++) {
      for (String[] org : orgs) {
        roundTrip(org[1], RUN + "-warm-" + org[0] + "-" + i);
      }
    }
    List<List<Double>> initiateClient = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> completeClient = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> initiateServer = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> completeServer = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < 100; i++) {
      for (int o = 0; o < orgs.length; o++) {
        String before = scrape();
        double[] times = roundTrip(orgs[o][1], RUN + "-rt-" + orgs[o][0] + "-" + i);
        String after = scrape();
        initiateClient.get(o).add(times[0]);
        completeClient.get(o).add(times[1]);
        initiateServer.get(o).add(serverMean(before, after, "/uploads/initiate\""));
        completeServer.get(o).add(serverMean(before, after, "/complete\""));
      }
    }
    ObjectNode node = results.putObject("initiate_complete");
    for (int o = 0; o < orgs.length; o++) {
      ObjectNode entry = node.putObject(orgs[o][0]);
      entry.set("initiate_client_ms", stats(initiateClient.get(o)));
      entry.set("complete_client_ms", stats(completeClient.get(o)));
      entry.set("initiate_server_ms", stats(initiateServer.get(o)));
      entry.set("complete_server_ms", stats(completeServer.get(o)));
      log(
          "  initiate + complete, %s: initiate server p50 %.1f ms, complete server p50 %.1f ms",
          orgs[o][0], percentile(initiateServer.get(o), 50), percentile(completeServer.get(o), 50));
    }
    node.put(
        "note",
        "100 round trips (1 KiB) in each organization, alternating; server times are each"
            + " request's http_server_requests_seconds, including the store's calls");
  }

  /**
   * 32 completes at once in the large organization, with the totals' triggers and without them
   * (disabled for the round, the totals recounted afterwards), in alternating rounds.
   */
  private void concurrentCompletes() throws Exception {
    int threads = 32;
    int perThread = 15;
    ObjectNode node = results.putObject("concurrent_completes_32");
    List<Double> withRates = new ArrayList<>();
    List<Double> withoutRates = new ArrayList<>();
    List<Double> withLatency = new ArrayList<>();
    List<Double> withoutLatency = new ArrayList<>();
    String[] rounds = {
      "warm-up", "warm-up", "with", "without", "without", "with", "without", "with", "with",
      "without"
    };
    try (Connection db = connect()) {
      for (int r = 0; r < rounds.length; r++) {
        boolean with = !rounds[r].equals("without");
        List<Prepared> prepared = prepare(threads * perThread, RUN + "-cc-" + r);
        execute(
            db,
            "alter table stored_file "
                + (with ? "enable" : "disable")
                + " trigger stored_file_totals_insert");
        double[] rate = new double[1];
        List<Double> latencies = completeAll(prepared, threads, rate);
        if (!rounds[r].equals("warm-up")) {
          (with ? withRates : withoutRates).add(rate[0]);
          (with ? withLatency : withoutLatency).addAll(latencies);
        }
        log(
            "  round %d (%s aggregates): %.0f completes/s, p50 %.1f ms, p99 %.1f ms",
            r, rounds[r], rate[0], percentile(latencies, 50), percentile(latencies, 99));
      }
      execute(db, "alter table stored_file enable trigger stored_file_totals_insert");
      // Recount what the rounds without the trigger left out.
      recount(db);
    }
    node.put("completes_per_round", threads * perThread);
    node.put("rounds", String.join(",", rounds));
    node.set("with_per_second", toArray(withRates));
    node.set("without_per_second", toArray(withoutRates));
    double with = withRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double without = withoutRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    node.put("with_mean_per_second", round(with));
    node.put("without_mean_per_second", round(without));
    node.put("with_over_without", round(with / without));
    node.set("with_latency_ms", stats(withLatency));
    node.set("without_latency_ms", stats(withoutLatency));
    node.put(
        "note",
        "Uploads initiated and their one part PUT beforehand; only the completes are timed, 32"
            + " threads x 15, after two warm-up rounds, rounds in ABBA BAAB order. 'without': the insert trigger that keeps file_totals disabled for"
            + " the round (totals recounted afterwards).");
  }

  /**
   * The database's side alone: 32 connections each inserting files one per transaction into the
   * large organization, as registrations do, with the totals kept in 16 slots (as shipped), with
   * the trigger disabled, and with every transaction adding to one slot (the hot row the slots
   * avoid). The trigger function is changed for that round and restored after it.
   */
  private void concurrentRegistrations() throws Exception {
    int threads = 32;
    int perThread = 150;
    ObjectNode node = results.putObject("concurrent_registrations_32_db");
    String function;
    try (Connection db = connect()) {
      function = scalar(db, "select pg_get_functiondef('file_totals_add'::regproc)");
    }
    if (!function.contains("pg_backend_pid() % 16")) {
      throw new IllegalStateException("file_totals_add no longer picks its slot as expected");
    }
    String[] rounds = {
      "warm-up",
      "slots",
      "none",
      "one_slot",
      "one_slot",
      "none",
      "slots",
      "slots",
      "none",
      "one_slot"
    };
    java.util.Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
    int[] sequence = {0};
    try (Connection db = connect()) {
      for (String round : rounds) {
        execute(
            db,
            "alter table stored_file "
                + (round.equals("none") ? "disable" : "enable")
                + " trigger stored_file_totals_insert");
        execute(
            db,
            round.equals("one_slot") ? function.replace("pg_backend_pid() % 16", "0") : function);
        double rate = insertConcurrently(threads, perThread, RUN + "-reg-" + sequence[0]++ + "-");
        if (!round.equals("warm-up")) {
          rates.computeIfAbsent(round, r -> new ArrayList<>()).add(rate);
        }
        log("  registrations in the database, %s: %.0f transactions/s", round, rate);
      }
      execute(db, function);
      execute(db, "alter table stored_file enable trigger stored_file_totals_insert");
      recount(db);
    }
    for (var entry : rates.entrySet()) {
      node.set(entry.getKey() + "_per_second", toArray(entry.getValue()));
      node.put(
          entry.getKey() + "_mean_per_second",
          round(entry.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    }
    node.put(
        "slots_over_none",
        round(
            node.path("slots_mean_per_second").asDouble()
                / node.path("none_mean_per_second").asDouble()));
    node.put(
        "one_slot_over_none",
        round(
            node.path("one_slot_mean_per_second").asDouble()
                / node.path("none_mean_per_second").asDouble()));
    node.put(
        "note",
        "32 JDBC connections, each 150 transactions of one single-row insert into stored_file of"
            + " the large organization (autocommit). slots: as shipped; none: the insert trigger"
            + " disabled; one_slot: the trigger function changed to add to slot 0 always. The"
            + " bench database runs with fsync=off and synchronous_commit=off, so a commit (and the"
            + " row lock held until it) is shorter than on a durable database.");
  }

  private double insertConcurrently(int threads, int perThread, String stem) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Void>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String prefix = stem + t + "-";
      futures.add(
          pool.submit(
              () -> {
                try (Connection db = connect();
                    PreparedStatement insert =
                        db.prepareStatement(
                            "insert into stored_file (file_uid, organization_id, file_id,"
                                + " file_type, num_bytes, status, storage_key, backend,"
                                + " created_at) values (?, ?, ?, 'text/plain', 1024,"
                                + " 'REGISTERED', ?, 's3', now())")) {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    String id = prefix + i;
                    insert.setString(1, "fil_" + id);
                    insert.setString(2, organization);
                    insert.setString(3, id + ".txt");
                    insert.setString(4, "orgs/" + organization + "/files/fil_" + id);
                    insert.executeUpdate();
                  }
                }
                return null;
              }));
    }
    long started = System.nanoTime();
    start.countDown();
    for (Future<Void> future : futures) {
      future.get();
    }
    double rate = threads * perThread / ((System.nanoTime() - started) / 1e9);
    pool.shutdown();
    return rate;
  }

  /** The organization's totals counted again, after rounds that ran without the trigger. */
  private void recount(Connection db) throws SQLException {
    execute(db, "delete from file_totals where organization_id = ?", organization);
    execute(
        db,
        "insert into file_totals (organization_id, slot, num_files, num_bytes, last_updated)"
            + " select organization_id, 0, count(*), sum(num_bytes), max(created_at)"
            + " from stored_file where organization_id = ? group by organization_id",
        organization);
  }

  private record Prepared(String uploadId, String etag) {}

  private List<Prepared> prepare(int count, String stem) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Prepared>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = stem + "-" + i + ".bin";
      futures.add(
          pool.submit(
              () -> {
                JsonNode initiated = initiate(API_KEY, name);
                return new Prepared(
                    initiated.path("upload_id").asText(), putPart(initiated.path("parts").get(0)));
              }));
    }
    List<Prepared> prepared = new ArrayList<>();
    for (Future<Prepared> future : futures) {
      prepared.add(future.get());
    }
    pool.shutdown();
    return prepared;
  }

  private List<Double> completeAll(List<Prepared> prepared, int threads, double[] rate)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Double>>> futures = new ArrayList<>();
    int perThread = prepared.size() / threads;
    for (int t = 0; t < threads; t++) {
      List<Prepared> mine = prepared.subList(t * perThread, (t + 1) * perThread);
      futures.add(
          pool.submit(
              () -> {
                start.await();
                List<Double> latencies = new ArrayList<>();
                for (Prepared upload : mine) {
                  long t0 = System.nanoTime();
                  complete(API_KEY, upload.uploadId(), upload.etag());
                  latencies.add((System.nanoTime() - t0) / 1e6);
                }
                return latencies;
              }));
    }
    long started = System.nanoTime();
    start.countDown();
    List<Double> latencies = new ArrayList<>();
    for (Future<List<Double>> future : futures) {
      latencies.addAll(future.get());
    }
    rate[0] = prepared.size() / ((System.nanoTime() - started) / 1e9);
    pool.shutdown();
    return latencies;
  }

  // ---- the whole listing, streamed ----

  private void wholeListing() throws Exception {
    ObjectNode node = results.putObject("whole_listing");
    // Time to the first byte, from listings the client leaves after their first 64 KiB (which
    // also ends each one's query in the service).
    List<Double> firstBytes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      long t0 = System.nanoTime();
      HttpResponse<InputStream> partial =
          http.send(
              request("/v1/files/metadata", API_KEY).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = partial.body()) {
        if (body.read() < 0) {
          throw new IllegalStateException("an empty listing");
        }
        firstBytes.add((System.nanoTime() - t0) / 1e6);
        body.readNBytes(64 * 1024);
      }
      Thread.sleep(200);
    }
    node.set("first_byte_ms_of_partial_reads", stats(firstBytes));
    long rssBefore = (long) ServiceBench.RssSampler.rssMb(servicePid);
    ServiceBench.RssSampler sampler = new ServiceBench.RssSampler(servicePid);
    long started = System.nanoTime();
    HttpResponse<InputStream> response =
        http.send(
            request("/v1/files/metadata", API_KEY).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    long firstByte = 0;
    long bytes = 0;
    long records = 0;
    byte[] pattern = "\"file_index\":".getBytes(StandardCharsets.US_ASCII);
    int matched = 0;
    try (InputStream body = response.body()) {
      byte[] buffer = new byte[1 << 16];
      int read;
      while ((read = body.read(buffer)) > 0) {
        if (firstByte == 0) {
          firstByte = System.nanoTime();
        }
        bytes += read;
        for (int i = 0; i < read; i++) {
          byte b = buffer[i];
          if (b == pattern[matched]) {
            if (++matched == pattern.length) {
              records++;
              matched = 0;
            }
          } else {
            matched = b == pattern[0] ? 1 : 0;
          }
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<Double> rss = sampler.stop();
    node.put("status", response.statusCode());
    node.put("records", records);
    node.put("bytes", bytes);
    node.put("seconds", round(seconds));
    node.put("records_per_second", round(records / seconds));
    node.put("first_byte_ms", round((firstByte - started) / 1e6));
    node.put("service_rss_mb_before", rssBefore);
    node.set("service_rss_mb_during", stats(rss));
    node.put("service_peak_rss_mb", peakRssMb());
    log(
        "  whole listing: %,d records, %,d bytes in %.1f s (%.0f records/s), first byte %.0f ms;"
            + " RSS %d MB before, max %.0f MB during",
        records,
        bytes,
        seconds,
        records / seconds,
        (firstByte - started) / 1e6,
        rssBefore,
        rss.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }

  // ---- timing ----

  @FunctionalInterface
  private interface Call {
    HttpResponse<String> send(int i) throws Exception;
  }

  private record Phase(ObjectNode node) {}

  /** Times {@code count} calls (after a few warm-up ones), with the server's mean from metrics. */
  private Phase measure(String name, int count, Call call, String uriFragment) throws Exception {
    for (int i = 0; i < Math.min(5, count); i++) {
      require(call.send(i), 200);
    }
    List<Double> client = new ArrayList<>();
    String before = scrape();
    long records = 0;
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> response = call.send(i);
      client.add((System.nanoTime() - t0) / 1e6);
      require(response, 200);
      if (response.body().startsWith("[")) {
        records += JSON.readTree(response.body()).size();
      }
    }
    String after = scrape();
    ObjectNode node = results.putObject(name);
    node.set("client_ms", stats(client));
    node.put("server_mean_ms", serverMean(before, after, uriFragment));
    node.put("records_per_answer", count == 0 ? 0 : records / count);
    log(
        "  %s: client p50 %.1f ms, p99 %.1f ms, server mean %.1f ms (%d records per answer)",
        name,
        percentile(client, 50),
        percentile(client, 99),
        node.path("server_mean_ms").asDouble(),
        count == 0 ? 0 : records / count);
    return new Phase(node);
  }

  private static double serverMean(String before, String after, String uriFragment) {
    double sum =
        ServiceBench.metric(after, "http_server_requests_seconds_sum", uriFragment)
            - ServiceBench.metric(before, "http_server_requests_seconds_sum", uriFragment);
    double count =
        ServiceBench.metric(after, "http_server_requests_seconds_count", uriFragment)
            - ServiceBench.metric(before, "http_server_requests_seconds_count", uriFragment);
    return count == 0 ? 0 : round(sum / count * 1e3);
  }

  // ---- the service and its API ----

  private void startService() throws Exception {
    service =
        ServiceProcess.start(
            jar,
            serviceJvm,
            ServiceProcess.externalSettings(
                postgres.getJdbcUrl("postgres", "postgres"),
                "postgres",
                "postgres",
                store.endpoint(),
                BUCKET,
                ACCESS,
                SECRET),
            API_KEY,
            Path.of("target/bench/scale-service.log"));
    base = service.base();
    servicePid = service.pid();
    results.put("service_jvm_options", String.join(" ", serviceJvm));
  }

  private void stop() {
    try {
      if (service != null) {
        service.close();
      }
      if (store != null) {
        store.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      if (work != null) {
        ServiceProcess.deleteTree(work);
      }
    } catch (Exception e) {
      log("clean-up failed: %s", e);
    }
  }

  private double[] roundTrip(String key, String name) throws Exception {
    long t0 = System.nanoTime();
    JsonNode initiated = initiate(key, name + ".bin");
    double initiate = (System.nanoTime() - t0) / 1e6;
    String etag = putPart(initiated.path("parts").get(0));
    long t1 = System.nanoTime();
    complete(key, initiated.path("upload_id").asText(), etag);
    return new double[] {initiate, (System.nanoTime() - t1) / 1e6};
  }

  private JsonNode initiate(String key, String name) throws Exception {
    return JSON.readTree(
        require(
                http.send(
                    request("/v1/files/uploads/initiate", key)
                        .header("Content-Type", "application/json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"filename\":\""
                                    + name
                                    + "\",\"file_type\":\"application/octet-stream\","
                                    + "\"num_bytes\":1024}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()),
                200)
            .body());
  }

  private String putPart(JsonNode part) throws Exception {
    HttpResponse<Void> put =
        http.send(
            HttpRequest.newBuilder(URI.create(part.path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1024]))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (put.statusCode() != 200) {
      throw new IllegalStateException("part PUT answered " + put.statusCode());
    }
    return put.headers().firstValue("ETag").orElseThrow();
  }

  private void complete(String key, String uploadId, String etag) throws Exception {
    require(
        http.send(
            request("/v1/files/uploads/" + uploadId + "/complete", key)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"parts\":[{\"part_number\":0,\"part_token\":"
                            + JSON.writeValueAsString(etag)
                            + "}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString()),
        200);
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    return http.send(request(path, key).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String key) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + key)
        .timeout(Duration.ofMinutes(30));
  }

  private String scrape() throws Exception {
    return require(
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()),
            200)
        .body();
  }

  private static <T> HttpResponse<T> require(HttpResponse<T> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          response.request().method()
              + " "
              + response.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return response;
  }

  /** The target of a {@code Link: <…>; rel="next"} header, as a path and query. */
  private static String linkTarget(String link) {
    URI uri = URI.create(link.substring(link.indexOf('<') + 1, link.indexOf('>')));
    return uri.getRawPath() + "?" + uri.getRawQuery();
  }

  // ---- helpers ----

  private Connection connect() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }

  private static String scalar(Connection db, String sql, String... values) throws SQLException {
    try (PreparedStatement statement = db.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setString(i + 1, values[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  private static void execute(Connection db, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = db.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] instanceof Long number) {
          statement.setLong(i + 1, number);
        } else {
          statement.setString(i + 1, (String) values[i]);
        }
      }
      statement.execute();
    }
  }

  private static String hash() {
    return ApiKeys.hash(API_KEY);
  }

  private static String seedName(long n) {
    return String.format(Locale.ROOT, "seed/%012d.bin", n);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private long nextLong(long bound) {
    return Math.floorMod(random.nextLong(), bound);
  }

  private static ArrayNode toArray(List<Double> values) {
    ArrayNode array = JSON.createArrayNode();
    values.forEach(v -> array.add(round(v)));
    return array;
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  private long peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + servicePid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  // ---- the table ----

  private String table() {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "measure (" + String.format(Locale.ROOT, "%,d", files) + " files)",
          "client p50 / p99",
          "server mean",
          "target"
        });
    row(rows, "GET /files/info", "info", "≤ 10 ms");
    row(rows, "GET /files/metadata/{file_id} (with file_index)", "one_record", "≤ 10 ms");
    row(rows, "first shard of 1,000", "first_shard_1000", "≤ 50 ms");
    row(rows, "first shard of 1,000 with file_type", "first_shard_1000_file_type", "");
    row(rows, "middle shard of 1,000 (offset N / 2, the dearest)", "middle_shard_1000", "≤ 1 s");
    row(rows, "deepest shard of 1,000", "deepest_shard_1000", "≤ 1 s");
    row(rows, "deepest shard of 1,000 with file_type", "deepest_shard_1000_file_type", "");
    row(rows, "shard past the end (2147483647)", "past_the_end_shard", "");
    row(rows, "Link cursor pages of 1,000, a chain", "cursor_chain_1000", "≤ 50 ms");
    row(rows, "Link cursor pages of 1,000, random places", "cursor_random_1000", "≤ 50 ms");
    row(rows, "GET /files/uploads (100, 15 pages + middle)", "uploads_all", "≤ 20 ms");
    row(rows, "  status=in_progress", "uploads_in_progress", "≤ 20 ms");
    row(rows, "  status=completed", "uploads_completed", "≤ 20 ms");
    row(rows, "  status=aborted", "uploads_aborted", "≤ 20 ms");
    JsonNode ic = results.path("initiate_complete");
    for (String step : new String[] {"initiate", "complete"}) {
      rows.add(
          new String[] {
            step + " server p50, this org / an empty org",
            f(ic.path("large_org").path(step + "_server_ms").path("p50").asDouble())
                + " / "
                + f(ic.path("empty_org").path(step + "_server_ms").path("p50").asDouble()),
            "",
            "unchanged"
          });
    }
    JsonNode cc = results.path("concurrent_completes_32");
    rows.add(
        new String[] {
          "32 concurrent completes/s, with / without totals",
          String.format(
              Locale.ROOT,
              "%.0f / %.0f (%.2f)",
              cc.path("with_mean_per_second").asDouble(),
              cc.path("without_mean_per_second").asDouble(),
              cc.path("with_over_without").asDouble()),
          "",
          "within 10 %"
        });
    JsonNode reg = results.path("concurrent_registrations_32_db");
    rows.add(
        new String[] {
          "32 concurrent inserts/s in the database: 16 slots / none / 1 slot",
          String.format(
              Locale.ROOT,
              "%.0f / %.0f / %.0f",
              reg.path("slots_mean_per_second").asDouble(),
              reg.path("none_mean_per_second").asDouble(),
              reg.path("one_slot_mean_per_second").asDouble()),
          "",
          ""
        });
    JsonNode whole = results.path("whole_listing");
    rows.add(
        new String[] {
          "whole listing (-1): records/s, first byte p50 (8 reads)",
          String.format(
              Locale.ROOT,
              "%,.0f /s, %.0f ms",
              whole.path("records_per_second").asDouble(),
              whole.path("first_byte_ms_of_partial_reads").path("p50").asDouble()),
          "",
          "≥ 100,000/s, ≤ 200 ms"
        });
    rows.add(
        new String[] {
          "  service RSS before / max during",
          whole.path("service_rss_mb_before").asLong()
              + " / "
              + (long) whole.path("service_rss_mb_during").path("max").asDouble()
              + " MB",
          "",
          "flat"
        });
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      text.append(String.format(Locale.ROOT, "%-66s %-22s %-14s %s%n", (Object[]) row));
    }
    return text.toString();
  }

  private void row(List<String[]> rows, String label, String key, String target) {
    JsonNode node = results.path(key);
    rows.add(
        new String[] {
          label,
          f(node.path("client_ms").path("p50").asDouble())
              + " / "
              + f(node.path("client_ms").path("p99").asDouble()),
          f(node.path("server_mean_ms").asDouble()),
          target
        });
  }

  private static String f(double millis) {
    return String.format(Locale.ROOT, millis < 10 ? "%.1f ms" : "%.0f ms", millis);
  }
}
