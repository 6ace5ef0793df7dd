package dev.filesapi.bench;

import static dev.filesapi.bench.ServiceBench.cpuTicks;
import static dev.filesapi.bench.ServiceBench.log;
import static dev.filesapi.bench.ServiceBench.percentile;
import static dev.filesapi.bench.ServiceBench.round;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start, warm-up and footprint of the packaged service (issue 20), against an external PostgreSQL
 * and S3Proxy this harness starts itself, with the JVM and options of the image.
 *
 * <p>Each iteration starts the jar and measures: exec to the first {@code 200} of {@code GET
 * /v1/files/info} (polled every 5 ms), the first initiate, the service's CPU per small round trip
 * (initiate + PUT of 1 KiB + complete) over the first 1,000 after start, the same once warm (after
 * a warm-up of 60 s) at c = 1, 8 and 32, RSS when idle after the warm-up and the peak (VmHWM).
 *
 * <p>{@code --train=CACHE} is the AOT training run instead: the service starts with {@code
 * -XX:AOTCacheOutput=CACHE}, every API path is exercised, and the JVM writes the cache when it
 * exits on SIGTERM.
 */
public final class StartupBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_KEY = "fk_live_start" + "0".repeat(35);
  private static final String BUCKET = "startup";
  private static final String ACCESS = "startup-access";
  private static final String SECRET = "startup-secret-key";
  private static final Pattern STARTED_IN = Pattern.compile("started in ([0-9.]+)s");

  private final int iterations;
  private final boolean smoke;
  private final boolean startOnly;
  private final Path jar;
  private final Path out;
  private final String java;
  private final List<String> jvmOptions;
  private final Optional<Path> train;
  private final ObjectNode results = JSON.createObjectNode();
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final byte[] smallContent = new byte[1024];
  private final AtomicInteger names = new AtomicInteger();

  private EmbeddedDatabase database;
  private EmbeddedStore store;
  private Path work;
  private String base;

  private StartupBench(
      int iterations,
      boolean smoke,
      Path jar,
      Path out,
      String java,
      List<String> jvmOptions,
      Optional<Path> train,
      boolean startOnly) {
    this.startOnly = startOnly;
    this.iterations = iterations;
    this.smoke = smoke;
    this.jar = jar;
    this.out = out;
    this.java = java;
    this.jvmOptions = jvmOptions;
    this.train = train;
    new Random(1).nextBytes(smallContent);
  }

  public static void main(String[] args) throws Exception {
    int iterations = 3;
    boolean smoke = false;
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    Path out = null;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> jvm = new ArrayList<>();
    Optional<Path> train = Optional.empty();
    boolean startOnly = false;
    for (String arg : args) {
      if (arg.equals("--startup")) {
        continue;
      } else if (arg.startsWith("--startup=")) {
        iterations = Integer.parseInt(arg.substring(10));
      } else if (arg.equals("--smoke")) {
        smoke = true;
      } else if (arg.equals("--start-only")) {
        startOnly = true;
      } else if (arg.startsWith("--jar=")) {
        jar = Path.of(arg.substring(6));
      } else if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring(6));
      } else if (arg.startsWith("--service-java=")) {
        java = arg.substring(15);
      } else if (arg.startsWith("--service-jvm=")) {
        jvm.add(arg.substring(14));
      } else if (arg.startsWith("--train=")) {
        train = Optional.of(Path.of(arg.substring(8)).toAbsolutePath());
      } else if (arg.startsWith("--image-jvm=")) {
        continue; // bench/run.sh passes it to every harness; the options come as --service-jvm
      } else {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    if (smoke) {
      iterations = 1;
    }
    if (out == null) {
      out =
          Path.of(smoke ? "target/bench/startup-smoke.json" : "bench/results/startup-latest.json");
    }
    StartupBench bench = new StartupBench(iterations, smoke, jar, out, java, jvm, train, startOnly);
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
    work = Files.createTempDirectory("files-startup-");
    Files.createDirectories(work.resolve("objects"));
    database = EmbeddedDatabase.start(Optional.empty());
    store = EmbeddedStore.onDisk(work.resolve("objects"), ACCESS, SECRET).start(0, BUCKET);
    if (train.isPresent()) {
      train(train.get());
      return;
    }
    machine();
    // A first start migrates the empty database; restarts against a migrated one are what is
    // measured (a replica that starts, a scale-from-zero), so this one is not.
    // It also warms PostgreSQL and the S3Proxy of this harness's JVM, so that the first initiate
    // measured below is the service's, not a cold store's.
    try (ServiceProcess first = launch(List.of(), "migrate")) {
      first.awaitReady(API_KEY, Duration.ofMillis(100));
      base = first.base();
      count(8, smoke ? 200 : 1000);
    }
    ArrayNode runs = results.putArray("iterations");
    for (int i = 1; i <= iterations; i++) {
      runs.add(iteration(i));
    }
    summarise(runs);
    Files.createDirectories(out.toAbsolutePath().getParent());
    results.put("load_average_at_end", Files.readString(Path.of("/proc/loadavg")).trim());
    Files.writeString(
        out, JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results) + "\n");
    System.out.println();
    System.out.println(table(results));
    log("results written to %s", out);
  }

  // ---- one start ----

  private ObjectNode iteration(int i) throws Exception {
    ObjectNode node = JSON.createObjectNode();
    long t0 = System.nanoTime();
    try (ServiceProcess service = launch(List.of(), "run-" + i)) {
      service.awaitReady(API_KEY, Duration.ofMillis(5));
      double first200 = (System.nanoTime() - t0) / 1e6;
      long pid = service.pid();
      base = service.base();
      long startTicks = cpuTicks(pid);
      node.put("exec_to_first_200_ms", round(first200));
      node.put("cpu_ms_to_first_200", startTicks * 10);
      node.put("rss_mb_at_first_200", round(ServiceBench.RssSampler.rssMb(pid)));

      long i0 = System.nanoTime();
      JsonNode initiated = initiate(name("first"), smallContent.length);
      node.put("first_initiate_ms", round((System.nanoTime() - i0) / 1e6));
      finish(initiated);
      if (startOnly) {
        node.put("rss_mb_after_first_initiate", round(kb(pid, "VmRSS:") / 1024.0));
        log(
            "  start %d: first 200 after %.0f ms (%d CPU-ms), first initiate %.1f ms",
            i, first200, startTicks * 10, node.path("first_initiate_ms").asDouble());
        return node;
      }

      int cold = smoke ? 200 : 1000;
      long coldTicks = cpuTicks(pid);
      long c0 = System.nanoTime();
      count(8, cold);
      double coldSeconds = (System.nanoTime() - c0) / 1e9;
      double coldCpu = (cpuTicks(pid) - coldTicks) * 10.0 / cold;
      node.put("cold_round_trips", cold);
      node.put("cold_cpu_ms_per_round_trip", round(coldCpu));
      node.put("cold_round_trips_per_second", round(cold / coldSeconds));

      Duration warmup = smoke ? Duration.ofSeconds(3) : Duration.ofSeconds(60);
      timed(8, warmup);
      ObjectNode steady = node.putObject("steady");
      for (int concurrency : new int[] {1, 8, 32}) {
        Duration each = smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(15);
        long before = cpuTicks(pid);
        int done = timed(concurrency, each);
        ObjectNode level = steady.putObject("c" + concurrency);
        level.put("round_trips", done);
        level.put("per_second", round(done / (double) each.toSeconds()));
        level.put("cpu_ms_per_round_trip", round((cpuTicks(pid) - before) * 10.0 / done));
      }
      double steadyC8 = steady.path("c8").path("cpu_ms_per_round_trip").asDouble();
      node.put("cold_over_steady_c8", round(coldCpu / steadyC8));
      node.put("rss_mb_peak", round(kb(pid, "VmHWM:") / 1024.0));
      // Idle: no request for a while, so the heap can shrink back (MaxHeapFreeRatio) after a GC.
      Thread.sleep(smoke ? 2_000 : 10_000);
      node.put("rss_mb_idle_after_warm_up", round(kb(pid, "VmRSS:") / 1024.0));
      node.put("threads", threads(pid));
      node.put("rss_anon_mb_idle", round(kb(pid, "RssAnon:") / 1024.0));
      node.put("rss_file_mb_idle", round(kb(pid, "RssFile:") / 1024.0));
      if (jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking="))) {
        nativeMemory(pid, "run-" + i);
      }
      Optional<Double> quarkusStart = startedIn(service.log());
      quarkusStart.ifPresent(s -> node.put("quarkus_started_in_s", s));
      node.put("log", service.log().toString());
    }
    log(
        "  start %d: first 200 after %.0f ms, first initiate %.1f ms, cold %.2f CPU-ms per round"
            + " trip, steady c=8 %.2f, RSS idle %.0f MB / peak %.0f MB",
        i,
        node.path("exec_to_first_200_ms").asDouble(),
        node.path("first_initiate_ms").asDouble(),
        node.path("cold_cpu_ms_per_round_trip").asDouble(),
        node.path("steady").path("c8").path("cpu_ms_per_round_trip").asDouble(),
        node.path("rss_mb_idle_after_warm_up").asDouble(),
        node.path("rss_mb_peak").asDouble());
    return node;
  }

  private void summarise(ArrayNode runs) {
    ObjectNode median = results.putObject("median");
    for (String field :
        List.of(
            "exec_to_first_200_ms",
            "cpu_ms_to_first_200",
            "first_initiate_ms",
            "cold_cpu_ms_per_round_trip",
            "cold_over_steady_c8",
            "rss_mb_idle_after_warm_up",
            "rss_mb_peak",
            "rss_mb_at_first_200")) {
      median.put(field, median(runs, r -> r.path(field).asDouble()));
    }
    for (String level : List.of("c1", "c8", "c32")) {
      median.put(
          "steady_" + level + "_cpu_ms_per_round_trip",
          median(runs, r -> r.path("steady").path(level).path("cpu_ms_per_round_trip").asDouble()));
    }
  }

  private static double median(ArrayNode runs, java.util.function.ToDoubleFunction<JsonNode> f) {
    List<Double> values = new ArrayList<>();
    runs.forEach(r -> values.add(f.applyAsDouble(r)));
    return round(percentile(values, 50));
  }

  // ---- the AOT training run ----

  /**
   * Starts the service with {@code -XX:AOTCacheOutput}, exercises every path of the API a client
   * takes (and the usual refusals), then ends it with SIGTERM: the JVM writes the cache as it
   * exits.
   */
  private void train(Path cache) throws Exception {
    Files.deleteIfExists(cache);
    List<String> record = List.of("-XX:AOTCacheOutput=" + cache);
    log("AOT training run: %s %s", java, String.join(" ", jvmOptions));
    try (ServiceProcess service = launch(record, "aot-training")) {
      service.awaitReady(API_KEY, Duration.ofMillis(100));
      base = service.base();
      for (int round = 0; round < 3; round++) {
        exercise(round);
      }
      count(8, smoke ? 200 : 1500);
      log("  training workload done; SIGTERM, the JVM writes the cache as it exits");
      if (!service.terminate(Duration.ofMinutes(5))) {
        throw new IllegalStateException("the training run did not exit; see " + service.log());
      }
    }
    if (!Files.exists(cache) || Files.size(cache) == 0) {
      throw new IllegalStateException("no AOT cache was written at " + cache);
    }
    log("AOT cache %s: %.1f MB", cache, Files.size(cache) / 1e6);
  }

  /** Every API path once: uploads in parts, the reads, the simple uploads, webhooks, refusals. */
  private void exercise(int round) throws Exception {
    // A multipart upload through urls, checkpoint, get, complete.
    String name = name("train-" + round);
    JsonNode initiated = initiate(name, 12L * 1024 * 1024);
    String id = initiated.get("upload_id").asText();
    List<String> tokens = new ArrayList<>();
    byte[] part = new byte[6 * 1024 * 1024];
    JsonNode urls =
        json(post("/v1/files/uploads/" + id + "/parts/urls", "{\"part_numbers\":[0,1]}"), 200);
    for (JsonNode p : urls.get("parts")) {
      HttpResponse<Void> put =
          http.send(
              HttpRequest.newBuilder(URI.create(p.get("url").asText()))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(part))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      expect(put, 200);
      tokens.add(put.headers().firstValue("ETag").orElseThrow());
    }
    json(
        post(
            "/v1/files/uploads/" + id + "/parts/checkpoint",
            "{\"parts\":[{\"part_number\":0,\"part_token\":" + quote(tokens.get(0)) + "}]}"),
        200);
    json(get("/v1/files/uploads/" + id), 200);
    json(
        post(
            "/v1/files/uploads/" + id + "/complete",
            "{\"parts\":[{\"part_number\":0,\"part_token\":"
                + quote(tokens.get(0))
                + "},{\"part_number\":1,\"part_token\":"
                + quote(tokens.get(1))
                + "}]}"),
        200);
    // A 250 GB initiate (10,000 URLs), resumed, then aborted.
    String large = name("train-large-" + round);
    JsonNode big = initiate(large, 250_000_000_000L);
    json(
        post(
            "/v1/files/uploads/initiate",
            "{\"filename\":"
                + quote(large)
                + ",\"file_type\":\"application/octet-stream\",\"num_bytes\":250000000000,\"resume_if_started\":true}"),
        200);
    send(post("/v1/files/uploads/" + big.get("upload_id").asText() + "/abort", ""), 200);
    // Reads.
    json(get("/v1/files/uploads?limit=10"), 200);
    json(get("/v1/files/uploads?status=completed&limit=5"), 200);
    json(get("/v1/files/info"), 200);
    sendAny(get("/v1/files/metadata"));
    json(get("/v1/files/metadata?shard_index=0&max_items_per_shard=2"), 200);
    json(get("/v1/files/metadata?shard_index=-1&max_items_per_shard=-1"), 200);
    json(get("/v1/files/metadata/" + enc(name)), 200);
    send(get("/v1/files/download/" + enc(name)), 302);
    // Simple uploads: form and base64.
    String simple = name("train-simple-" + round);
    send(form("/v1/files", simple, "application/octet-stream", "x".repeat(2048)), 200);
    send(
        form(
            "/v1/files/base64",
            simple + ".b64",
            "text/plain",
            Base64.getEncoder().encodeToString(smallContent)),
        200);
    send(delete("/v1/files/delete/" + enc(simple)), 200);
    // Webhooks: an endpoint (refused: a private address) and the list.
    sendAny(post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/hook\"}"));
    sendAny(get("/v1/webhooks"));
    // Refusals: each error path's classes (validation, JSON, not found, no key).
    sendAny(post("/v1/files/uploads/initiate", "{\"filename\":\"\",\"num_bytes\":-1}"));
    sendAny(post("/v1/files/uploads/initiate", "{not json"));
    sendAny(get("/v1/files/uploads/upl_doesnotexist"));
    sendAny(get("/v1/files/metadata/" + enc("missing-" + round)));
    sendAny(HttpRequest.newBuilder(URI.create(base + "/v1/files/info")).GET().build());
    sendAny(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).GET().build());
    sendAny(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).GET().build());
  }

  // ---- round trips ----

  /** {@code total} small round trips over {@code concurrency} threads. */
  private void count(int concurrency, int total) throws Exception {
    AtomicInteger left = new AtomicInteger(total);
    runWorkers(concurrency, () -> left.getAndDecrement() > 0);
  }

  /** Small round trips over {@code concurrency} threads for {@code duration}; how many. */
  private int timed(int concurrency, Duration duration) throws Exception {
    long deadline = System.nanoTime() + duration.toNanos();
    return runWorkers(concurrency, () -> System.nanoTime() < deadline);
  }

  private int runWorkers(int concurrency, java.util.function.BooleanSupplier more)
      throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        futures.add(
            workers.submit(
                () -> {
                  int done = 0;
                  while (more.getAsBoolean()) {
                    finish(initiate(name("rt"), smallContent.length));
                    done++;
                  }
                  return done;
                }));
      }
      int done = 0;
      for (Future<Integer> future : futures) {
        done += future.get();
      }
      return done;
    } finally {
      workers.shutdown();
    }
  }

  /** PUT of the one 1 KiB part, then complete. */
  private void finish(JsonNode initiated) throws Exception {
    JsonNode part = initiated.get("parts").get(0);
    HttpResponse<Void> put =
        http.send(
            HttpRequest.newBuilder(URI.create(part.get("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(smallContent))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    expect(put, 200);
    String etag = put.headers().firstValue("ETag").orElseThrow();
    send(
        post(
            "/v1/files/uploads/" + initiated.get("upload_id").asText() + "/complete",
            "{\"parts\":[{\"part_number\":0,\"part_token\":" + quote(etag) + "}]}"),
        200);
  }

  private JsonNode initiate(String name, long bytes) throws Exception {
    return json(
        post(
            "/v1/files/uploads/initiate",
            "{\"filename\":"
                + quote(name)
                + ",\"file_type\":\"application/octet-stream\",\"num_bytes\":"
                + bytes
                + "}"),
        200);
  }

  private String name(String prefix) {
    return prefix + "-" + names.incrementAndGet() + "-" + System.nanoTime() + ".bin";
  }

  // ---- the service process ----

  private ServiceProcess launch(List<String> extraJvm, String tag) throws Exception {
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(extraJvm);
    return ServiceProcess.launch(
        java,
        jar,
        options,
        ServiceBench.withQuota(
            ServiceProcess.externalSettings(
                database.jdbcUrl(),
                database.username(),
                database.password(),
                store.endpoint(),
                BUCKET,
                ACCESS,
                SECRET)),
        API_KEY,
        Path.of("target/bench/startup-" + tag + ".log"));
  }

  private void stop() {
    try {
      if (store != null) {
        store.close();
      }
      if (database != null) {
        database.close();
      }
      if (work != null) {
        ServiceProcess.deleteTree(work);
      }
    } catch (Exception e) {
      log("clean-up failed: %s", e);
    }
  }

  private void machine() throws Exception {
    ObjectNode node = results.putObject("machine");
    node.put("processors", Runtime.getRuntime().availableProcessors());
    node.put("service_java", java);
    node.put("service_java_version", javaVersion());
    node.put("service_jvm_options", String.join(" ", jvmOptions));
    node.put("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
    node.put("started_at", Instant.now().toString());
    node.put("iterations", iterations);
  }

  private String javaVersion() throws Exception {
    Process version = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
    String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    version.waitFor();
    return text.lines().skip(1).findFirst().orElse(text).trim();
  }

  // ---- HTTP ----

  private HttpRequest post(String path, String json) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + API_KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  /** A simple upload: a form with one file part. */
  private HttpRequest form(String path, String filename, String contentType, String content) {
    String boundary = "----startup-bench";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: "
            + contentType
            + "\r\n\r\n"
            + content
            + "\r\n--"
            + boundary
            + "--\r\n";
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + API_KEY)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + API_KEY)
        .GET()
        .build();
  }

  private HttpRequest delete(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + API_KEY)
        .DELETE()
        .build();
  }

  private JsonNode json(HttpRequest request, int status) throws Exception {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    expect(response, status);
    return JSON.readTree(response.body());
  }

  private void send(HttpRequest request, int status) throws Exception {
    expect(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), status);
  }

  private void sendAny(HttpRequest request) throws Exception {
    http.send(request, HttpResponse.BodyHandlers.discarding());
  }

  private static <T> void expect(HttpResponse<T> response, int status) {
    if (response.statusCode() != status) {
      Object body = response.body();
      throw new IllegalStateException(
          response.request().method()
              + " "
              + response.uri()
              + " answered "
              + response.statusCode()
              + ", expected "
              + status
              + (body instanceof byte[] bytes
                  ? ": " + new String(bytes, StandardCharsets.UTF_8)
                  : ""));
    }
  }

  private static String quote(String value) throws Exception {
    return JSON.writeValueAsString(value);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- /proc ----

  private static long kb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException(field + " missing for " + pid);
  }

  /** The JVM's own account of its memory (with -XX:NativeMemoryTracking), beside the log. */
  private void nativeMemory(long pid, String tag) throws Exception {
    Path jcmd = Path.of(java).resolveSibling("jcmd");
    Path report = Path.of("target/bench/startup-" + tag + "-nmt.txt");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
            .redirectErrorStream(true)
            .redirectOutput(report.toFile())
            .start();
    p.waitFor();
    log("  native memory summary: %s", report);
  }

  private static int threads(long pid) throws IOException {
    return (int) kb(pid, "Threads:");
  }

  private static Optional<Double> startedIn(Path log) throws IOException {
    Matcher m = STARTED_IN.matcher(Files.readString(log));
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }

  // ---- report ----

  static String table(JsonNode r) {
    JsonNode m = r.path("median");
    StringBuilder t = new StringBuilder();
    t.append("| measure (median of ")
        .append(r.path("iterations").size())
        .append(" starts) | value | target | verdict |\n| --- | --- | --- | --- |\n");
    row(t, "exec → first 200", m.path("exec_to_first_200_ms").asDouble(), "ms", 2000, 1200);
    row(t, "first initiate", m.path("first_initiate_ms").asDouble(), "ms", 150, 0);
    row(t, "CPU to the first 200", m.path("cpu_ms_to_first_200").asDouble(), "ms", 0, 0);
    row(
        t,
        "CPU per round trip, first 1,000 (c = 8)",
        m.path("cold_cpu_ms_per_round_trip").asDouble(),
        "ms",
        0,
        0);
    row(t, "… over steady c = 8", m.path("cold_over_steady_c8").asDouble(), "×", 2, 0);
    row(
        t,
        "steady CPU per round trip, c = 1",
        m.path("steady_c1_cpu_ms_per_round_trip").asDouble(),
        "ms",
        0,
        0);
    row(
        t,
        "steady CPU per round trip, c = 8",
        m.path("steady_c8_cpu_ms_per_round_trip").asDouble(),
        "ms",
        3,
        0);
    row(
        t,
        "steady CPU per round trip, c = 32",
        m.path("steady_c32_cpu_ms_per_round_trip").asDouble(),
        "ms",
        0,
        0);
    row(t, "RSS at the first 200", m.path("rss_mb_at_first_200").asDouble(), "MB", 0, 0);
    row(t, "RSS idle after warm-up", m.path("rss_mb_idle_after_warm_up").asDouble(), "MB", 200, 0);
    row(t, "RSS peak under load", m.path("rss_mb_peak").asDouble(), "MB", 250, 0);
    return t.toString();
  }

  private static void row(
      StringBuilder t, String measure, double value, String unit, double target, double stretch) {
    if (value == 0) {
      return; // not measured (--start-only)
    }
    String verdict =
        target == 0
            ? ""
            : stretch > 0 && value <= stretch ? "stretch met" : value <= target ? "met" : "MISSED";
    t.append(
        String.format(
            Locale.ROOT,
            "| %s | %.1f %s | %s | %s |%n",
            measure,
            value,
            unit,
            target == 0
                ? ""
                : "≤ " + (target == (long) target ? (long) target : target) + " " + unit,
            verdict));
  }
}
