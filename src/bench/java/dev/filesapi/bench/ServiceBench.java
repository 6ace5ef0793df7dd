package dev.filesapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The service benchmark: a real PostgreSQL (zonky) and S3Proxy over a directory in this JVM, the
 * service from its packaged jar as a separate process, and the measurements of issue 8 against them
 * over loopback. Bounded loops; stops by itself. Results as JSON and as a table.
 *
 * <p>Server-side times come from the service's own Micrometer timers on {@code /q/metrics}, read
 * after every single request, so each request's exact server time is a difference of sums: {@code
 * http_server_requests_seconds} (from the request's arrival until its response is written) and
 * {@code files_storage_call_seconds} (each call the service makes to the store).
 */
public final class ServiceBench {
  private static final String API_KEY = "fk_live_bench" + "0".repeat(35);
  private static final String BUCKET = "bench";
  private static final String ACCESS = "bench-access";
  private static final String SECRET = "bench-secret-key";
  private static final long MIB = 1024L * 1024L;
  private static final long LARGEST = 250_000_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INITIATE_URI = "/uploads/initiate\"";

  /**
   * INFO for everything in this JVM. Without it the log manager (JBoss, with Quarkus' bootstrap
   * configurator on the class path) leaves every logger at DEBUG: S3Proxy's Jetty then formats a
   * debug line per request state change: half of this JVM's CPU, and a store slower by 15 % for
   * small requests and 3-4x for 8 MiB parts. Held here so the setting outlives garbage collection
   * of the logger.
   */
  private static final java.util.logging.Logger ROOT_LOGGER =
      java.util.logging.Logger.getLogger("");

  private final boolean smoke;
  private final List<String> phases;
  private final Path jar;
  private final Path out;
  private final List<String> serviceJvmOptions;
  private final List<String> imageJvmOptions;
  private final ObjectNode results = JSON.createObjectNode();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final FakePartsStore fakeParts = new FakePartsStore();

  private EmbeddedDatabase database;
  private EmbeddedStore store;
  private ServiceProcess service;
  private long servicePid;
  private String base;
  private Path work;

  private ServiceBench(
      boolean smoke,
      Path jar,
      Path out,
      List<String> serviceJvmOptions,
      List<String> imageJvmOptions,
      List<String> phases) {
    this.imageJvmOptions = imageJvmOptions;
    this.phases = phases;
    this.smoke = smoke;
    this.jar = jar;
    this.out = out;
    this.serviceJvmOptions = serviceJvmOptions;
  }

  public static void main(String[] args) throws Exception {
    ROOT_LOGGER.setLevel(java.util.logging.Level.INFO);
    boolean smoke = false;
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
    Path out = null;
    List<String> jvm = new ArrayList<>();
    List<String> image = List.of();
    List<String> phases = List.of("initiate", "complete", "small", "throughput");
    for (String arg : args) {
      if (arg.equals("--smoke")) {
        smoke = true;
      } else if (arg.startsWith("--jar=")) {
        jar = Path.of(arg.substring(6));
      } else if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring(6));
      } else if (arg.startsWith("--phases=")) {
        phases = List.of(arg.substring(9).split(","));
      } else if (arg.startsWith("--service-jvm=")) {
        jvm.add(arg.substring(14));
      } else if (arg.startsWith("--image-jvm=")) {
        image = Stream.of(arg.substring(12).split("\\s+")).filter(o -> !o.isEmpty()).toList();
      } else {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    if (out == null) {
      out = Path.of(smoke ? "target/bench/smoke.json" : "bench/results/latest.json");
    }
    ServiceBench bench = new ServiceBench(smoke, jar, out, jvm, image, phases);
    int status = 1;
    try {
      bench.run();
      status = 0;
    } catch (Exception | Error e) {
      e.printStackTrace();
    } finally {
      bench.stop();
    }
    // The HTTP client's threads would keep the JVM alive.
    System.exit(status);
  }

  private void run() throws Exception {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: ./mvnw package -DskipTests first");
    }
    machine();
    work = Files.createTempDirectory("files-bench-");
    Files.createDirectories(work.resolve("objects"));
    database = EmbeddedDatabase.start(Optional.empty());
    store =
        EmbeddedStore.onDisk(work.resolve("objects"), ACCESS, SECRET)
            .decorated(fakeParts::wrap)
            .start(0, BUCKET);
    startService();
    log("service pid %d on %s (RSS at start %.0f MB)", servicePid, base, rssMb());
    results.put("service_rss_mb_after_start", round(rssMb()));

    if (phases.contains("initiate")) {
      initiateLargest();
    }
    if (phases.contains("complete")) {
      completeLargest();
    }
    if (phases.contains("small")) {
      smallRoundTrips();
    }
    if (phases.contains("throughput")) {
      throughput();
    }

    results.put("service_rss_mb_at_end", round(rssMb()));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.createDirectories(Path.of("target/bench"));
    Files.writeString(Path.of("target/bench/metrics-at-end.txt"), scrape());
    results.put("load_average_at_end", Files.readString(Path.of("/proc/loadavg")).trim());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(
        out, JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results) + "\n");
    System.out.println();
    System.out.println(Report.table(results));
    log("results written to %s", out);
  }

  // ---- (1) initiate of a 250 GB upload ----

  private void initiateLargest() throws Exception {
    int warmup = smoke ? 2 : 30;
    int measured = smoke ? 3 : 60;
    log("(1) initiate of a 250 GB upload: %d warm-up, %d measured", warmup, measured);
    List<Double> client = new ArrayList<>();
    List<Double> server = new ArrayList<>();
    List<Double> begin = new ArrayList<>();
    List<Double> presign = new ArrayList<>();
    int bytes = 0;
    int parts = 0;
    for (int i = 0; i < warmup + measured; i++) {
      String before = scrape();
      long started = System.nanoTime();
      HttpResponse<byte[]> response =
          http.send(
              post("/v1/files/uploads/initiate", initiateBody("large-" + i + ".bin", LARGEST)),
              HttpResponse.BodyHandlers.ofByteArray());
      double millis = (System.nanoTime() - started) / 1e6;
      require(response, 200);
      String after = scrape();
      if (i == 0) {
        JsonNode body = JSON.readTree(response.body());
        parts = body.get("parts").size();
        if (parts != body.get("num_parts").asInt() || parts != 9_935) {
          throw new IllegalStateException("expected 9,935 parts, got " + parts);
        }
      }
      bytes = response.body().length;
      if (i >= warmup) {
        client.add(millis);
        server.add(delta(before, after, "http_server_requests_seconds_sum", INITIATE_URI) * 1e3);
        begin.add(storeCallMillis(before, after, "begin"));
        presign.add(storeCallMillis(before, after, "presign_parts"));
      }
    }
    ObjectNode node = results.putObject("initiate_250gb");
    node.put("parts", parts);
    node.put("response_bytes", bytes);
    node.put("iterations", measured);
    node.set("server_ms", stats(server));
    node.set("client_ms", stats(client));
    node.set("store_begin_ms", stats(begin));
    node.set("presign_ms", stats(presign));
    log(
        "  server p50 %.1f ms p99 %.1f ms (store begin %.1f, presign %.1f); client p50 %.1f ms;"
            + " %d bytes",
        percentile(server, 50),
        percentile(server, 99),
        percentile(begin, 50),
        percentile(presign, 50),
        percentile(client, 50),
        bytes);
    node.put(
        "note",
        "server_ms: http_server_requests_seconds of each request (arrival to response written),"
            + " including the store's CreateMultipartUpload (store_begin_ms) and presigning;"
            + " presign_ms is files_storage_call_seconds{operation=presign_parts}: where the"
            + " backend signs while the answer is written (S3, GCS HMAC keys) only the batch's"
            + " preparation, the URLs' signing then falls in the writing; client_ms: the same"
            + " request timed by the harness over loopback until the last byte was read");
  }

  // ---- (2) complete of ~10,000 checkpointed parts ----

  private void completeLargest() throws Exception {
    int warmup = smoke ? 0 : 2;
    int measured = smoke ? 1 : 6;
    int batch = 1000;
    log("(2) complete of 9,935 checkpointed parts: %d warm-up, %d measured", warmup, measured);
    List<Double> server = new ArrayList<>();
    List<Double> storeCall = new ArrayList<>();
    List<Double> serviceSide = new ArrayList<>();
    List<Double> checkpoint = new ArrayList<>();
    for (int i = 0; i < warmup + measured; i++) {
      JsonNode initiated =
          JSON.readTree(
              require(
                      http.send(
                          post(
                              "/v1/files/uploads/initiate",
                              initiateBody("complete-" + i + ".bin", LARGEST)),
                          HttpResponse.BodyHandlers.ofByteArray()),
                      200)
                  .body());
      String uploadId = initiated.get("upload_id").asText();
      JsonNode parts = initiated.get("parts");
      List<String> etags = new ArrayList<>(parts.size());
      for (int n = 0; n < parts.size(); n++) {
        etags.add(String.format(Locale.ROOT, "%032x", (long) n * 2654435761L + i));
      }
      long checkpointStarted = System.nanoTime();
      for (int from = 0; from < etags.size(); from += batch) {
        StringBuilder body = new StringBuilder("{\"parts\":[");
        for (int n = from; n < Math.min(from + batch, etags.size()); n++) {
          body.append(n == from ? "" : ",")
              .append("{\"part_number\":")
              .append(n)
              .append(",\"part_token\":\"\\\"")
              .append(etags.get(n))
              .append("\\\"\"}");
        }
        body.append("]}");
        require(
            http.send(
                post("/v1/files/uploads/" + uploadId + "/parts/checkpoint", body.toString()),
                HttpResponse.BodyHandlers.ofString()),
            200);
      }
      double checkpointMillis = (System.nanoTime() - checkpointStarted) / 1e6;
      String storeUploadId = queryParameter(parts.get(0).get("url").asText(), "uploadId");
      fakeParts.pretend(storeUploadId, etags, initiated.get("part_size").asLong());
      String before = scrape();
      HttpResponse<String> response =
          http.send(
              post("/v1/files/uploads/" + uploadId + "/complete", "{\"parts\":[]}"),
              HttpResponse.BodyHandlers.ofString());
      require(response, 200);
      String after = scrape();
      fakeParts.forget(storeUploadId);
      if (i >= warmup) {
        double total =
            delta(before, after, "http_server_requests_seconds_sum", "/complete\"") * 1e3;
        double store = storeCallMillis(before, after, "complete");
        server.add(total);
        storeCall.add(store);
        serviceSide.add(total - store);
        checkpoint.add(checkpointMillis);
      }
    }
    ObjectNode node = results.putObject("complete_10k");
    node.put("parts", 9_935);
    node.put("iterations", measured);
    node.set("service_side_ms", stats(serviceSide));
    node.set("server_ms", stats(server));
    node.set("store_call_ms", stats(storeCall));
    node.set("checkpoint_10_batches_ms", stats(checkpoint));
    log(
        "  service side p50 %.1f ms max %.1f ms; store call p50 %.1f ms; checkpoints %.0f ms",
        percentile(serviceSide, 50),
        percentile(serviceSide, 100),
        percentile(storeCall, 50),
        percentile(checkpoint, 50));
    node.put(
        "note",
        "All 9,935 parts checkpointed in batches of 1,000, then complete with an empty parts list."
            + " service_side_ms = server_ms (http_server_requests_seconds) - store_call_ms"
            + " (files_storage_call_seconds{operation=complete}). The store call is a real"
            + " CompleteMultipartUpload of 9,935 parts to S3Proxy, whose BlobStore pretends to"
            + " hold those parts (250 GB of real part PUTs is not feasible here), so S3Proxy"
            + " checks each part's ETag and size but assembles nothing. A real store's call time"
            + " is in throughput.*.store_complete_ms (128 real 8 MiB parts).");
  }

  // ---- (3) small-file round trips, (5) RSS ----

  private void smallRoundTrips() throws Exception {
    int[] levels = {1, 8, 32};
    Duration each = smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(15);
    Duration warmup = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(20);
    int cores = Runtime.getRuntime().availableProcessors();
    log("(3) small-file initiate + PUT + complete: %s warm-up, %s per level", warmup, each);
    roundTrips(8, warmup, "warmup", this::smallUpload);
    ObjectNode node = results.putObject("small_round_trips");
    List<Double> allRss = new ArrayList<>();
    for (int concurrency : levels) {
      RssSampler sampler = new RssSampler(servicePid);
      long cpuBefore = cpuTicks(servicePid);
      long machineBefore = machineBusyTicks();
      Level level = roundTrips(concurrency, each, "c" + concurrency, this::smallUpload);
      long cpuTicks = cpuTicks(servicePid) - cpuBefore;
      long machineTicks = machineBusyTicks() - machineBefore;
      List<Double> rss = sampler.stop();
      allRss.addAll(rss);
      double cpuMillis = cpuTicks * 10.0 / level.count;
      ObjectNode result = node.putObject("concurrency_" + concurrency);
      level.into(result);
      result.put("service_cpu_ms_per_round_trip", round(cpuMillis));
      // What the service alone could serve if it had every core: its CPU cost, inverted.
      result.put("service_cpu_bound_per_second", round(cores * 1000.0 / cpuMillis));
      result.put(
          "machine_busy_percent", round(100.0 * machineTicks / (level.seconds * 100 * cores)));
      result.set("service_rss_mb", stats(rss));
      log(
          "  concurrency %d: %.0f/s, p50 %.1f ms, service %.2f CPU-ms per round trip (%.0f/s on"
              + " %d cores if it had them alone)",
          concurrency,
          level.count / level.seconds,
          percentile(level.latencies, 50),
          cpuMillis,
          cores * 1000.0 / cpuMillis,
          cores);
    }
    // The same round trip straight to the store (no service), on the same machine and S3Proxy:
    // the ceiling this machine puts on any service in front of it.
    ObjectNode direct = node.putObject("store_alone");
    try (S3Client s3 = directClient()) {
      roundTrips(8, warmup, "direct-warmup", name -> directSmallUpload(s3, name, smallContent));
      for (int concurrency : levels) {
        Level level =
            roundTrips(
                concurrency,
                each,
                "direct-c" + concurrency,
                name -> directSmallUpload(s3, name, smallContent));
        level.into(direct.putObject("concurrency_" + concurrency));
        log(
            "  store alone, concurrency %d: %.0f/s, p50 %.1f ms",
            concurrency, level.count / level.seconds, percentile(level.latencies, 50));
      }
    }
    ObjectNode rss = results.putObject("service_rss_mb");
    rss.put("steady_median", round(percentile(allRss, 50)));
    rss.put("max", round(allRss.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
    rss.put("samples", allRss.size());
    rss.put("jvm_options", String.join(" ", serviceJvmOptions));
    // Only the options the JVM image ships give the RSS the target is about.
    rss.put("image_jvm_options", serviceJvmOptions.equals(imageJvmOptions));
    node.put(
        "note",
        "Each round trip: initiate (1 KiB file, unique name) + PUT of its one part to the"
            + " presigned URL (S3Proxy) + complete with the part's ETag; harness, S3Proxy,"
            + " PostgreSQL and service share the 2 cores. service_cpu_ms_per_round_trip is the"
            + " service process's CPU time (utime+stime) divided by round trips;"
            + " service_cpu_bound_per_second = cores x 1000 / that. store_alone: the same"
            + " round trip with the AWS SDK straight to S3Proxy (CreateMultipartUpload,"
            + " UploadPart, CompleteMultipartUpload), no service.");
  }

  /** One small upload of a round-trip benchmark, under a unique name. */
  @FunctionalInterface
  private interface SmallUpload {
    void upload(String name) throws Exception;
  }

  private record Level(long count, long errors, double seconds, List<Double> latencies) {
    void into(ObjectNode node) {
      node.put("round_trips", count);
      node.put("errors", errors);
      node.put("seconds", round(seconds));
      node.put("per_second", round(count / seconds));
      node.set("latency_ms", stats(latencies));
    }
  }

  private Level roundTrips(int concurrency, Duration duration, String tag, SmallUpload operation)
      throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    AtomicLong errors = new AtomicLong();
    AtomicInteger sequence = new AtomicInteger();
    long started = System.nanoTime();
    long deadline = started + duration.toNanos();
    List<Future<List<Double>>> futures = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      futures.add(
          workers.submit(
              () -> {
                List<Double> latencies = new ArrayList<>();
                while (System.nanoTime() < deadline) {
                  long t0 = System.nanoTime();
                  try {
                    operation.upload(tag + "-" + sequence.incrementAndGet() + ".txt");
                    latencies.add((System.nanoTime() - t0) / 1e6);
                  } catch (Exception e) {
                    if (errors.incrementAndGet() == 1) {
                      log("  first error: %s", e);
                    }
                  }
                }
                return latencies;
              }));
    }
    List<Double> latencies = new ArrayList<>();
    for (Future<List<Double>> future : futures) {
      latencies.addAll(future.get());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    workers.shutdown();
    if (errors.get() > 0) {
      throw new IllegalStateException(errors.get() + " round trips failed; see the log above");
    }
    return new Level(latencies.size(), errors.get(), seconds, latencies);
  }

  /** The 1 KiB every small round trip uploads. */
  private final byte[] smallContent = randomBytes(1024);

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(1).nextBytes(bytes);
    return bytes;
  }

  private void smallUpload(String name) throws Exception {
    JsonNode initiated =
        JSON.readTree(
            require(
                    http.send(
                        post("/v1/files/uploads/initiate", initiateBody(name, smallContent.length)),
                        HttpResponse.BodyHandlers.ofByteArray()),
                    200)
                .body());
    JsonNode part = initiated.get("parts").get(0);
    HttpResponse<Void> put =
        http.send(
            HttpRequest.newBuilder(URI.create(part.get("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(smallContent))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    require(put, 200);
    String etag = put.headers().firstValue("ETag").orElseThrow();
    require(
        http.send(
            post(
                "/v1/files/uploads/" + initiated.get("upload_id").asText() + "/complete",
                "{\"parts\":[{\"part_number\":0,\"part_token\":"
                    + JSON.writeValueAsString(etag)
                    + "}]}"),
            HttpResponse.BodyHandlers.discarding()),
        200);
  }

  private static void directSmallUpload(S3Client s3, String key, byte[] content) {
    String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
    String etag =
        s3.uploadPart(
                b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(content))
            .eTag();
    s3.completeMultipartUpload(
        b ->
            b.bucket(BUCKET)
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(
                    m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
  }

  // ---- (4) throughput through presigned URLs vs direct S3 multipart ----

  private void throughput() throws Exception {
    long size = smoke ? 64 * MIB : 1024 * MIB;
    long partSize = 8 * MIB;
    int concurrency = 8;
    int rounds = smoke ? 1 : 2;
    log(
        "(4) upload of %d MiB, %d MiB parts, %d in parallel: direct S3 vs presigned, %d round(s)",
        size / MIB, partSize / MIB, concurrency, rounds);
    byte[] pool = new byte[(int) (16 * partSize)];
    new Random(42).nextBytes(pool);
    List<Double> direct = new ArrayList<>();
    List<Double> presigned = new ArrayList<>();
    List<Double> storeComplete = new ArrayList<>();
    try (S3Client s3 = directClient()) {
      for (int round = 0; round < rounds; round++) {
        double d = directUpload(s3, "direct-" + round, size, partSize, concurrency, pool);
        String directKey = "direct-" + round;
        s3.deleteObject(b -> b.bucket(BUCKET).key(directKey));
        String before = scrape();
        double p = presignedUpload("presigned-" + round + ".bin", size, concurrency, pool);
        String after = scrape();
        storeComplete.add(storeCallMillis(before, after, "complete"));
        deleteFile("presigned-" + round + ".bin");
        direct.add(size / (double) MIB / d);
        presigned.add(size / (double) MIB / p);
        log(
            "  round %d: direct %.0f MiB/s, through the service %.0f MiB/s",
            round, size / (double) MIB / d, size / (double) MIB / p);
      }
    }
    ObjectNode node = results.putObject("throughput");
    node.put("file_mib", size / MIB);
    node.put("part_mib", partSize / MIB);
    node.put("concurrency", concurrency);
    node.set("direct_mib_s", toArray(direct));
    node.set("presigned_mib_s", toArray(presigned));
    double ratio = percentile(presigned, 50) / percentile(direct, 50);
    node.put("ratio_of_medians", round(ratio));
    node.set("store_complete_ms", stats(storeComplete));
    node.put(
        "note",
        "direct: AWS SDK S3Client (url-connection client) CreateMultipartUpload, UploadPart x N"
            + " on 8 threads, CompleteMultipartUpload. presigned: initiate through the service, PUT"
            + " of each part to its presigned URL (java.net.http) on 8 threads, complete through"
            + " the service. Same S3Proxy (filesystem), same bytes, alternating, each timed from"
            + " its first request to its last answer. The SDK signs each part's SHA-256 over"
            + " plain HTTP; presigned URLs carry UNSIGNED-PAYLOAD.");
  }

  private S3Client directClient() {
    return S3Client.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create(store.endpoint()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
        .serviceConfiguration(
            S3Configuration.builder()
                .pathStyleAccessEnabled(true)
                .chunkedEncodingEnabled(false)
                .build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(
            UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(120)).build())
        .build();
  }

  private static double directUpload(
      S3Client s3, String key, long size, long partSize, int concurrency, byte[] pool)
      throws Exception {
    int numParts = (int) ((size + partSize - 1) / partSize);
    long started = System.nanoTime();
    String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    List<Future<CompletedPart>> futures = new ArrayList<>();
    for (int n = 1; n <= numParts; n++) {
      int number = n;
      int length = (int) Math.min(partSize, size - (n - 1) * partSize);
      int offset = (int) (((n - 1) % 8) * partSize);
      futures.add(
          workers.submit(
              () -> {
                String etag =
                    s3.uploadPart(
                            b ->
                                b.bucket(BUCKET)
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .contentLength((long) length),
                            RequestBody.fromContentProvider(
                                () -> new ByteArrayInputStream(pool, offset, length),
                                length,
                                "application/octet-stream"))
                        .eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
              }));
    }
    List<CompletedPart> parts = new ArrayList<>();
    for (Future<CompletedPart> future : futures) {
      parts.add(future.get());
    }
    workers.shutdown();
    s3.completeMultipartUpload(
        b -> b.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    return (System.nanoTime() - started) / 1e9;
  }

  private double presignedUpload(String name, long size, int concurrency, byte[] pool)
      throws Exception {
    long started = System.nanoTime();
    JsonNode initiated =
        JSON.readTree(
            require(
                    http.send(
                        post("/v1/files/uploads/initiate", initiateBody(name, size)),
                        HttpResponse.BodyHandlers.ofByteArray()),
                    200)
                .body());
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    List<Future<String>> futures = new ArrayList<>();
    for (JsonNode part : initiated.get("parts")) {
      int number = part.get("part_number").asInt();
      int length = part.get("length").asInt();
      int offset = (int) ((number % 8) * part.get("length").asLong());
      String url = part.get("url").asText();
      if (length != initiated.get("part_size").asLong()
          && number != initiated.get("num_parts").asInt() - 1) {
        throw new IllegalStateException("unexpected part length " + length);
      }
      futures.add(
          workers.submit(
              () -> {
                HttpResponse<Void> put =
                    http.send(
                        HttpRequest.newBuilder(URI.create(url))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(pool, offset, length))
                            .build(),
                        HttpResponse.BodyHandlers.discarding());
                require(put, 200);
                return "{\"part_number\":"
                    + number
                    + ",\"part_token\":"
                    + JSON.writeValueAsString(put.headers().firstValue("ETag").orElseThrow())
                    + "}";
              }));
    }
    StringBuilder body = new StringBuilder("{\"parts\":[");
    for (int i = 0; i < futures.size(); i++) {
      body.append(i == 0 ? "" : ",").append(futures.get(i).get());
    }
    body.append("]}");
    workers.shutdown();
    require(
        http.send(
            post(
                "/v1/files/uploads/" + initiated.get("upload_id").asText() + "/complete",
                body.toString()),
            HttpResponse.BodyHandlers.discarding()),
        200);
    return (System.nanoTime() - started) / 1e9;
  }

  private void deleteFile(String name) throws Exception {
    require(
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/files/delete/" + name))
                .header("Authorization", "Bearer " + API_KEY)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.discarding()),
        200);
  }

  // ---- the service process ----

  private void startService() throws Exception {
    service =
        ServiceProcess.start(
            jar,
            serviceJvmOptions,
            withQuota(
                ServiceProcess.externalSettings(
                    database.jdbcUrl(),
                    database.username(),
                    database.password(),
                    store.endpoint(),
                    BUCKET,
                    ACCESS,
                    SECRET)),
            API_KEY,
            Path.of("target/bench/service.log"));
    base = service.base();
    servicePid = service.pid();
    results.put("service_command_jvm_options", String.join(" ", serviceJvmOptions));
    results.put("service_log", service.log().toString());
  }

  /**
   * Hundreds of 250 GB uploads stay in progress, and round trips run by the thousand: the default
   * quota would refuse them.
   */
  static List<String> withQuota(List<String> settings) {
    List<String> all = new ArrayList<>(settings);
    all.add("-Dfiles.quota.max-in-progress-uploads=1000000");
    return all;
  }

  private void stop() {
    try {
      if (service != null) {
        service.close();
      }
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

  // ---- helpers ----

  private void machine() throws IOException {
    ObjectNode node = results.putObject("machine");
    node.put("processors", Runtime.getRuntime().availableProcessors());
    node.put(
        "java",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    node.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    node.put("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
    node.put("started_at", Instant.now().toString());
    node.put("mode", smoke ? "smoke" : "full");
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        node.put("mem_total", line.substring(9).trim());
      }
    }
  }

  private HttpRequest post(String path, String json) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + API_KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private static String initiateBody(String name, long bytes) {
    return "{\"filename\":\""
        + name
        + "\",\"file_type\":\"application/octet-stream\",\"num_bytes\":"
        + bytes
        + "}";
  }

  private static <T> HttpResponse<T> require(HttpResponse<T> response, int status) {
    if (response.statusCode() != status) {
      Object body = response.body();
      if (body instanceof byte[] bytes) {
        body = new String(bytes, StandardCharsets.UTF_8);
      }
      throw new IllegalStateException(
          response.request().method()
              + " "
              + response.uri().getPath()
              + " answered "
              + response.statusCode()
              + ": "
              + body);
    }
    return response;
  }

  private String scrape() throws Exception {
    return require(
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()),
            200)
        .body();
  }

  /** Sum of the samples of a metric whose labels contain every given fragment. */
  static double metric(String scrape, String name, String... fragments) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String labels = line.substring(name.length(), close + 1);
      boolean all = true;
      for (String fragment : fragments) {
        all &= labels.contains(fragment);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]);
      }
    }
    return sum;
  }

  private static double delta(String before, String after, String name, String... fragments) {
    return metric(after, name, fragments) - metric(before, name, fragments);
  }

  private static double storeCallMillis(String before, String after, String operation) {
    return delta(before, after, "files_storage_call_seconds_sum", "operation=\"" + operation + "\"")
        * 1e3;
  }

  private static String queryParameter(String url, String name) {
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return java.net.URLDecoder.decode(
            pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    throw new IllegalStateException("no " + name + " in a part URL");
  }

  private double rssMb() throws IOException {
    return RssSampler.rssMb(servicePid);
  }

  /** utime + stime of a process, in clock ticks (1/100 s). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** Busy ticks of all processors (everything but idle and iowait). */
  private static long machineBusyTicks() throws IOException {
    String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < fields.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(fields[i]);
      }
    }
    return busy;
  }

  static ObjectNode stats(List<Double> values) {
    ObjectNode node = JSON.createObjectNode();
    node.put("n", values.size());
    node.put("p50", round(percentile(values, 50)));
    node.put("p99", round(percentile(values, 99)));
    node.put("min", round(values.stream().mapToDouble(Double::doubleValue).min().orElse(0)));
    node.put("max", round(values.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
    node.put("mean", round(values.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    return node;
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static ArrayNode toArray(List<Double> values) {
    ArrayNode array = JSON.createArrayNode();
    values.forEach(v -> array.add(round(v)));
    return array;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }

  /** Samples a process's VmRSS every 250 ms on a daemon thread. */
  static final class RssSampler {
    private final List<Double> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(long pid) {
      thread =
          new Thread(
              () -> {
                while (running) {
                  try {
                    double mb = rssMb(pid);
                    synchronized (samples) {
                      samples.add(mb);
                    }
                    Thread.sleep(250);
                  } catch (Exception e) {
                    return;
                  }
                }
              },
              "rss-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    List<Double> stop() throws InterruptedException {
      running = false;
      thread.join();
      synchronized (samples) {
        return List.copyOf(samples);
      }
    }

    static double rssMb(long pid) throws IOException {
      Predicate<String> rss = line -> line.startsWith("VmRSS:");
      String line =
          Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
              .filter(rss)
              .findFirst()
              .orElseThrow();
      return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
  }
}
