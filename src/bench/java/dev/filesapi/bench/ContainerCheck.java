package dev.filesapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.filesapi.embedded.EmbeddedStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The check of the JVM image (checks/container/run.sh, which builds it and passes the chart's
 * settings): runs the image as the Helm chart runs it against a PostgreSQL (Debian's binaries,
 * through runuser, on a free port) and an S3Proxy (in this JVM, on disk) on the host, drives the
 * API through it and prints {@code N passed, N failed} and the figures of BENCHMARKS.md, Container.
 * Every container uses the host's network (a free port of 127.0.0.1).
 */
public final class ContainerCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_KEY = "fk_live_check" + "0".repeat(35);
  private static final String BUCKET = "check";
  private static final String ACCESS = "check-access";
  private static final String SECRET = "check-secret-key";
  private static final int MB = 1_000_000;

  private final Map<String, String> options;
  private final List<String> engine;
  private final String image;
  private final Path work;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final List<String> passed = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<String> containers = new ArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  private Process postgres;
  private Path pgData;
  private int pgPort;
  private EmbeddedStore store;
  private HttpServer receiver;
  private final List<JsonNode> hooks = new CopyOnWriteArrayList<>();
  private final Map<String, String> hookSignatures = new ConcurrentHashMap<>();

  private String base;
  private String container;

  private ContainerCheck(Map<String, String> options) throws IOException {
    this.options = options;
    this.engine = List.of(options.get("engine").split(" "));
    this.image = options.get("image");
    this.work = Files.createTempDirectory("files-api-check-");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      options.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    ContainerCheck check = new ContainerCheck(options);
    int status;
    try {
      status = check.run();
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    } finally {
      check.stop();
    }
    System.exit(status);
  }

  private int run() throws Exception {
    List<String> groups = List.of(options.get("groups").split(","));
    startPostgres();
    Files.createDirectories(work.resolve("objects"));
    store = EmbeddedStore.onDisk(work.resolve("objects"), ACCESS, SECRET).start(0, BUCKET);
    startReceiver();
    figure("image", image + " (base " + options.get("base") + ")");
    figure("run as", runFlags().toString());
    imageFigures();

    // A first container migrates the empty database; the start measured is a restart (a new
    // replica, a scale from zero) against a migrated one.
    startContainer("migrate", false);
    stopContainer(Duration.ofSeconds(60));

    long t0 = System.nanoTime();
    startContainer("main", true);
    figure("exec -> first 200 (ms)", fmt((System.nanoTime() - t0) / 1e6));
    long i0 = System.nanoTime();
    JsonNode first = initiate(name("first"), 1024);
    figure("first initiate (ms)", fmt((System.nanoTime() - i0) / 1e6));
    finish(first, new byte[1024]);
    check("the service runs as uid " + options.get("uid"), this::runsAsChartUser);
    check(
        "the JVM maps the image's AOT cache (/deployments/app.aot)",
        () -> {
          String pid = engineOut("inspect", "--format", "{{.State.Pid}}", container).trim();
          require(
              Files.readString(Path.of("/proc/" + pid + "/maps")).contains("app.aot"),
              "app.aot not mapped:\n" + logs());
        });

    if (groups.contains("api")) {
      apiGroup();
    }
    if (groups.contains("big")) {
      check("a 2 GiB upload through presigned parts, downloaded back identical", this::bigUpload);
    }
    if (groups.contains("shutdown")) {
      shutdownGroup();
    } else {
      stopContainer(Duration.ofSeconds(60));
    }
    if (groups.contains("streaming")) {
      // Its own container: until the uploads stream, a big form can take the container down.
      startContainer("streaming", true);
      streamingGroup();
      engine("rm", "-f", container);
      containers.remove(container);
      container = null;
    }
    if (groups.contains("memory")) {
      memoryGroup();
    }

    System.out.println();
    System.out.println("Figures:");
    figures.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-58s %s%n", k, v));
    long took = System.currentTimeMillis() / 1000 - Long.parseLong(options.get("script-start"));
    System.out.printf(Locale.ROOT, "  %-58s %d%n", "container check wall time (s)", took);
    System.out.println();
    if (!failed.isEmpty()) {
      System.out.println("Failed:");
      failed.forEach(f -> System.out.println("  " + f));
    }
    System.out.printf(Locale.ROOT, "%d passed, %d failed%n", passed.size(), failed.size());
    return failed.isEmpty() ? 0 : 1;
  }

  // ---- groups ----

  private void apiGroup() throws Exception {
    String name = name("life");
    byte[] content = bytes(3 * 1024 * 1024 + 17, 1);
    JsonNode[] upload = new JsonNode[1];
    check(
        "lifecycle: initiate, PUT parts, checkpoint, complete",
        () -> {
          upload[0] = initiate(name, content.length);
          JsonNode parts = upload[0].get("parts");
          JsonNode part = parts.get(0);
          String etag = putPart(part.get("url").asText(), content);
          String id = upload[0].get("upload_id").asText();
          json(
              post(
                  "/v1/files/uploads/" + id + "/parts/checkpoint",
                  "{\"parts\":[{\"part_number\":0,\"part_token\":" + quote(etag) + "}]}"),
              200);
          JsonNode status = json(get("/v1/files/uploads/" + id), 200);
          require(status.get("status").asText().equals("in_progress"), "status " + status);
          JsonNode done =
              json(post("/v1/files/uploads/" + id + "/complete", "{\"parts\":[]}"), 200);
          require(done.get("file_status").asText().equals("Registered"), "complete " + done);
          JsonNode after = json(get("/v1/files/uploads/" + id), 200);
          require(after.get("status").asText().equals("completed"), "status " + after);
        });
    check(
        "an upload aborted, and aborting again",
        () -> {
          JsonNode other = initiate(name("abort"), 10);
          String id = other.get("upload_id").asText();
          send(post("/v1/files/uploads/" + id + "/abort", ""), 200);
          send(post("/v1/files/uploads/" + id + "/abort", ""), 200);
          JsonNode status = json(get("/v1/files/uploads/" + id), 200);
          require(status.get("status").asText().equals("aborted"), "status " + status);
        });
    check(
        "listing: metadata, one record, info, uploads",
        () -> {
          JsonNode all = json(get("/v1/files/metadata"), 200);
          boolean found = false;
          for (JsonNode f : all) {
            found |= f.get("file_id").asText().equals(name);
          }
          require(found, name + " not in the listing");
          JsonNode one = json(get("/v1/files/metadata/" + enc(name)), 200);
          require(one.get("num_bytes").asLong() == content.length, "record " + one);
          JsonNode info = json(get("/v1/files/info"), 200);
          require(info.get("num_files").asLong() >= 2, "info " + info);
          JsonNode uploads = json(get("/v1/files/uploads?limit=5"), 200);
          require(uploads.get("uploads").size() > 0, "uploads " + uploads);
        });
    check("download: 302 to the store, the same bytes", () -> download(name, content));
    String simple = name("simple");
    byte[] simpleContent = bytes(200_000, 2);
    check(
        "simple upload (POST /v1/files), downloaded back",
        () -> {
          JsonNode r =
              json(form("/v1/files", simple, "application/octet-stream", simpleContent), 200);
          require(r.get("is_valid").asBoolean(), "answer " + r);
          download(simple, simpleContent);
        });
    String b64 = name("base64");
    check(
        "base64 upload (POST /v1/files/base64), downloaded back",
        () -> {
          byte[] text =
              Base64.getEncoder().encodeToString(simpleContent).getBytes(StandardCharsets.US_ASCII);
          JsonNode r = json(form("/v1/files/base64", b64, "text/plain", text), 200);
          require(r.get("is_valid").asBoolean(), "answer " + r);
          download(b64, simpleContent);
        });
    check(
        "a problem body for a client mistake (400, code, errors)",
        () -> {
          HttpResponse<byte[]> r =
              http.send(
                  post("/v1/files/uploads/initiate", "{\"filename\":\"\",\"num_bytes\":-1}"),
                  HttpResponse.BodyHandlers.ofByteArray());
          require(r.statusCode() == 400, "status " + r.statusCode());
          JsonNode p = JSON.readTree(r.body());
          require(p.has("code") && p.get("errors").isArray(), "body " + p);
        });
    check(
        "delete, then the record is gone",
        () -> {
          JsonNode r = json(delete("/v1/files/delete/" + enc(simple)), 200);
          require(r.get("is_valid").asBoolean(), "answer " + r);
          HttpResponse<Void> gone =
              http.send(
                  get("/v1/files/metadata/" + enc(simple)), HttpResponse.BodyHandlers.discarding());
          require(gone.statusCode() == 404, "after delete " + gone.statusCode());
        });
    check(
        "a webhook delivered to a receiver on the host, signed",
        () -> {
          String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
          json(
              post(
                  "/v1/webhooks",
                  "{\"url\":"
                      + quote(hookUrl)
                      + ",\"event_types\":[\"upload.completed\",\"file.deleted\"]}"),
              201);
          JsonNode u = initiate(name("hooked"), 100);
          finish(u, new byte[100]);
          String uid = u.get("file_uid").asText();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (System.nanoTime() < deadline) {
            for (JsonNode h : hooks) {
              if (h.toString().contains(uid) && h.toString().contains("upload.completed")) {
                require(hookSignatures.containsKey(uid), "no webhook-signature header");
                return;
              }
            }
            Thread.sleep(100);
          }
          throw new AssertionError("no upload.completed delivery for " + uid + " in 60 s");
        });
    check(
        "readiness and liveness UP, metrics served",
        () -> {
          send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(), 200);
          send(HttpRequest.newBuilder(URI.create(base + "/q/health/live")).build(), 200);
          send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(), 200);
        });
    check("nothing written outside /tmp (read-only root)", this::readOnlyRoot);
  }

  /** 2 GiB in 8 MiB parts, 4 at a time, then the download compared by CRC32C. */
  private void bigUpload() throws Exception {
    long size = 2L * 1024 * 1024 * 1024;
    String name = name("big");
    long t0 = System.nanoTime();
    JsonNode u = initiate(name, size);
    String id = u.get("upload_id").asText();
    int parts = u.get("num_parts").asInt();
    long partSize = u.get("part_size").asLong();
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      numbers.add(i);
    }
    Map<Integer, String> etags = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int from = 0; from < parts; from += 100) {
        List<Integer> batch = numbers.subList(from, Math.min(parts, from + 100));
        JsonNode urls =
            json(
                post("/v1/files/uploads/" + id + "/parts/urls", "{\"part_numbers\":" + batch + "}"),
                200);
        for (JsonNode p : urls.get("parts")) {
          futures.add(
              pool.submit(
                  () -> {
                    int n = p.get("part_number").asInt();
                    long length = p.get("length").asLong();
                    byte[] data = pattern(p.get("offset").asLong(), (int) length);
                    etags.put(n, putPart(p.get("url").asText(), data));
                    return null;
                  }));
        }
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    StringBuilder body = new StringBuilder("{\"parts\":[");
    for (int i = 0; i < parts; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"part_number\":")
          .append(i)
          .append(",\"part_token\":")
          .append(quote(etags.get(i)))
          .append('}');
    }
    body.append("]}");
    HttpResponse<byte[]> done =
        http.send(
            post("/v1/files/uploads/" + id + "/complete", body.toString()),
            HttpResponse.BodyHandlers.ofByteArray());
    // A store that assembles 2 GiB slowly: the service answers 202 (or 503 when the store's
    // answer outlasts its deadline) and the client sends the same complete again, as the source
    // client does (a complete converges).
    int retries = 0;
    List<Integer> statuses = new ArrayList<>();
    while ((done.statusCode() == 202 || done.statusCode() >= 500) && retries++ < 60) {
      statuses.add(done.statusCode());
      long wait = done.headers().firstValueAsLong("Retry-After").orElse(2);
      Thread.sleep(TimeUnit.SECONDS.toMillis(Math.min(wait, 10)));
      done =
          http.send(
              post("/v1/files/uploads/" + id + "/complete", body.toString()),
              HttpResponse.BodyHandlers.ofByteArray());
    }
    figure("2 GiB upload: complete answers before the 200", statuses.toString());
    require(done.statusCode() == 200, "complete " + done.statusCode() + " " + text(done));
    figure(
        "2 GiB upload, " + parts + " parts of " + partSize / 1048576 + " MiB (s)",
        fmt((System.nanoTime() - t0) / 1e9));
    CRC32C expected = new CRC32C();
    byte[] block = new byte[8 * 1024 * 1024];
    for (long off = 0; off < size; off += block.length) {
      byte[] b = pattern(off, (int) Math.min(block.length, size - off));
      expected.update(b);
    }
    HttpResponse<InputStream> got = followDownload(name);
    CRC32C actual = new CRC32C();
    long n = 0;
    try (InputStream in = got.body()) {
      int r;
      while ((r = in.read(block)) > 0) {
        actual.update(block, 0, r);
        n += r;
      }
    }
    require(n == size, "downloaded " + n + " bytes");
    require(actual.getValue() == expected.getValue(), "CRC32C differs");
    send(delete("/v1/files/delete/" + enc(name)), 200);
  }

  /** Issue 25 item 5: bodies streamed, not spooled to memory or /tmp (a tmpfs here). */
  private void streamingGroup() throws Exception {
    String simple = name("stream-simple");
    check(
        "streaming: a 512 MB simple upload (POST /v1/files) at " + options.get("memory"),
        () -> {
          HttpResponse<byte[]> r = bigForm("/v1/files", simple, 512L * MB, false);
          require(r.statusCode() == 200, "status " + r.statusCode() + " " + text(r));
          JsonNode record = json(get("/v1/files/metadata/" + enc(simple)), 200);
          require(record.get("num_bytes").asLong() == 512L * MB, "record " + record);
          send(delete("/v1/files/delete/" + enc(simple)), 200);
        });
    check("streaming: the container is alive after it", this::alive);
    String b64 = name("stream-b64");
    check(
        "streaming: a 683 MB base64 upload (POST /v1/files/base64)",
        () -> {
          HttpResponse<byte[]> r = bigForm("/v1/files/base64", b64, 512L * MB, true);
          require(r.statusCode() == 200, "status " + r.statusCode() + " " + text(r));
          JsonNode record = json(get("/v1/files/metadata/" + enc(b64)), 200);
          require(record.get("num_bytes").asLong() == 512L * MB, "record " + record);
          send(delete("/v1/files/delete/" + enc(b64)), 200);
        });
    check("streaming: the container is alive after it", this::alive);
    check(
        "streaming: a 524 MB form refused with 413 invalid_file_size",
        () -> {
          HttpResponse<byte[]> r = bigForm("/v1/files", name("too-big"), 524L * MB, false);
          require(r.statusCode() == 413, "status " + r.statusCode() + " " + text(r));
          require(text(r).contains("invalid_file_size"), "body " + text(r));
        });
    check("streaming: the container is alive after it", this::alive);
    figure("streaming: cgroup memory peak (MiB)", fmt(cgroupPeakMb()));
  }

  /**
   * SIGTERM while 8 clients send on keep-alive connections: every request written gets an HTTP
   * answer; connections opened late are refused.
   */
  private void shutdownGroup() throws Exception {
    int port = URI.create(base).getPort();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    AtomicLong answered200 = new AtomicLong();
    AtomicLong answered503 = new AtomicLong();
    AtomicLong otherStatus = new AtomicLong();
    AtomicLong unanswered = new AtomicLong();
    AtomicLong freshResets = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong reconnects = new AtomicLong();
    List<String> problems = new CopyOnWriteArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int client = c;
      futures.add(
          clients.submit(
              () -> {
                RawClient raw = null;
                boolean used = false;
                int i = 0;
                while (!stop.get()) {
                  try {
                    if (raw == null) {
                      raw = new RawClient(port);
                      used = false;
                      reconnects.incrementAndGet();
                    }
                  } catch (ConnectException e) {
                    refused.incrementAndGet();
                    return null;
                  }
                  String body =
                      "{\"filename\":\"drain-"
                          + client
                          + "-"
                          + i++
                          + ".bin\",\"file_type\":\"application/octet-stream\",\"num_bytes\":10}";
                  RawClient.Result r = raw.post("/v1/files/uploads/initiate", body);
                  switch (r.outcome()) {
                    case ANSWERED -> {
                      answered.incrementAndGet();
                      used = true;
                      if (r.status() == 200) {
                        answered200.incrementAndGet();
                      } else if (r.status() == 503) {
                        answered503.incrementAndGet();
                      } else {
                        otherStatus.incrementAndGet();
                        problems.add("status " + r.status());
                      }
                      if (r.close()) {
                        raw.close();
                        raw = null;
                      }
                    }
                    case NOT_SENT -> {
                      // closed by the service before the request was written: not received
                      raw.close();
                      raw = null;
                    }
                    case UNANSWERED -> {
                      // The first request on a connection opened as the listening socket closed:
                      // the kernel had completed the handshake; the close resets its accept queue.
                      (used ? unanswered : freshResets).incrementAndGet();
                      problems.add(
                          (used ? "on an open connection" : "on a new connection")
                              + ": request written, connection closed without an answer");
                      raw.close();
                      raw = null;
                    }
                  }
                }
                if (raw != null) {
                  raw.close();
                }
                return null;
              }));
    }
    // Traffic before the signal, so every client has a keep-alive connection.
    long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (answered.get() < 200 && System.nanoTime() < warm) {
      Thread.sleep(20);
    }
    require(answered.get() > 0, "no answer before SIGTERM");
    long before = answered.get();
    long t0 = System.nanoTime();
    engine("kill", "--signal", "TERM", container);
    boolean exited = waitExit(Duration.ofSeconds(90));
    double exitSeconds = (System.nanoTime() - t0) / 1e9;
    // A client still running once the process is gone meets a refused connection; wait for all.
    for (Future<?> f : futures) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        problems.add("client: " + e);
      }
    }
    stop.set(true);
    clients.shutdownNow();
    String exitCode = engineOut("inspect", "--format", "{{.State.ExitCode}}", container).trim();
    figure("shutdown: SIGTERM -> exit (s)", fmt(exitSeconds));
    figure(
        "shutdown: answers after SIGTERM (200 / 503 / other)",
        (answered200.get() - before) + " / " + answered503.get() + " / " + otherStatus.get());
    figure(
        "shutdown: requests on open connections never answered", String.valueOf(unanswered.get()));
    figure(
        "shutdown: new connections reset as the listener closed",
        String.valueOf(freshResets.get()));
    figure("shutdown: clients refused at connect", String.valueOf(refused.get()));
    figure("shutdown: connections opened", String.valueOf(reconnects.get()));
    check(
        "shutdown: the container exited within the grace period",
        () -> require(exited, "still up"));
    check(
        "shutdown: exit status 0 or 143 (SIGTERM)",
        () -> require(exitCode.equals("0") || exitCode.equals("143"), "exit " + exitCode));
    check(
        "shutdown: every request on an open keep-alive connection was answered",
        () -> require(unanswered.get() == 0, unanswered.get() + " unanswered: " + problems));
    check(
        "shutdown: at most one connection per client reset as the listener closed",
        () -> require(freshResets.get() <= 8, freshResets.get() + " reset: " + problems));
    check(
        "shutdown: no 5xx other than 503 while draining",
        () -> require(otherStatus.get() == 0, problems.toString()));
    check(
        "shutdown: late connections refused (every client ended on a refused connect)",
        () -> require(refused.get() == 8, refused.get() + " of 8"));
    String log = engineOut("logs", container);
    Files.createDirectories(Path.of("target/check"));
    Files.writeString(Path.of("target/check/shutdown-container.log"), log);
    figure(
        "shutdown: listener closed first (service log)",
        String.valueOf(log.contains("HTTP listener(s)")));
    if (unanswered.get() + freshResets.get() > 0) {
      System.out.println(logs());
    }
    engine("rm", "-f", container);
    containers.remove(container);
    container = null;
  }

  private void memoryGroup() throws Exception {
    String limit = options.get("memory");
    startContainer("memory", true);
    JsonNode warm = initiate(name("warm"), 1024);
    finish(warm, new byte[1024]);
    Thread.sleep(5_000); // idle: after the start and one round trip
    figure("memory @" + limit + ": idle cgroup usage (MiB)", fmt(cgroupUsageMb()));
    figure("memory @" + limit + ": idle anonymous (MiB)", fmt(cgroupAnonMb()));
    long hostPid =
        Long.parseLong(engineOut("inspect", "--format", "{{.State.Pid}}", container).trim());
    int seconds = Integer.parseInt(options.get("load-seconds"));
    long cpu0 = ServiceBench.cpuTicks(hostPid);
    AtomicLong errors = new AtomicLong();
    double[] anonMax = {0};
    int done =
        load(
            8,
            Duration.ofSeconds(seconds),
            errors,
            () -> anonMax[0] = Math.max(anonMax[0], cgroupAnonMb()));
    long cpu1 = ServiceBench.cpuTicks(hostPid);
    figure("memory @" + limit + ": round trips in " + seconds + " s at c=8", String.valueOf(done));
    figure("memory @" + limit + ": errors", String.valueOf(errors.get()));
    figure("memory @" + limit + ": cgroup peak (MiB)", fmt(cgroupPeakMb()));
    figure("memory @" + limit + ": anonymous peak sampled (MiB)", fmt(anonMax[0]));
    figure("memory @" + limit + ": anonymous after load (MiB)", fmt(cgroupAnonMb()));
    figure("memory @" + limit + ": OOM kills", String.valueOf(oomKills()));
    figure("container CPU per round trip, c=8 (ms)", fmt((cpu1 - cpu0) * 10.0 / Math.max(1, done)));
    check(
        "memory: " + seconds + " s at c=8 within " + limit + ", no error, no OOM kill",
        () -> {
          require(errors.get() == 0, errors.get() + " errors");
          require(oomKills() == 0, "OOM kills");
          alive();
        });
    stopContainer(Duration.ofSeconds(60));
    if (List.of(options.get("groups").split(",")).contains("cpu")) {
      bareJar(seconds);
    }
  }

  /** The same load against the bare jar (the JVM of the host, the image's options). */
  private void bareJar(int seconds) throws Exception {
    List<String> jvm = new ArrayList<>(List.of(options.get("jvm-options").split(" ")));
    try (ServiceProcess service =
        ServiceProcess.launch(
            options.get("bare-java"),
            Path.of(options.get("jar")),
            jvm,
            ServiceBench.withQuota(
                ServiceProcess.externalSettings(
                    jdbcUrl(), "postgres", "", store.endpoint(), BUCKET, ACCESS, SECRET)),
            API_KEY,
            work.resolve("bare.log"))) {
      service.awaitReady(API_KEY, Duration.ofMillis(50));
      base = service.base();
      JsonNode warm = initiate(name("warm"), 1024);
      finish(warm, new byte[1024]);
      long cpu0 = ServiceBench.cpuTicks(service.pid());
      AtomicLong errors = new AtomicLong();
      int done = load(8, Duration.ofSeconds(seconds), errors, () -> {});
      long cpu1 = ServiceBench.cpuTicks(service.pid());
      figure(
          "bare jar CPU per round trip, c=8 (ms)", fmt((cpu1 - cpu0) * 10.0 / Math.max(1, done)));
      figure("bare jar round trips in " + seconds + " s at c=8", String.valueOf(done));
    }
  }

  /** Initiate, PUT, complete by {@code concurrency} workers for {@code duration}. */
  private int load(int concurrency, Duration duration, AtomicLong errors, Runnable sample)
      throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    byte[] part = bytes(1024, 3);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      futures.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < end) {
                  try {
                    finish(initiate(name("load"), part.length), part);
                    done.incrementAndGet();
                  } catch (Exception e) {
                    if (errors.incrementAndGet() < 5) {
                      System.out.println("[check] load error: " + e);
                    }
                  }
                }
                return null;
              }));
    }
    while (System.nanoTime() < end) {
      sample.run();
      Thread.sleep(250);
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return done.get();
  }

  // ---- checks ----

  interface Body {
    void run() throws Exception;
  }

  private void check(String name, Body body) {
    try {
      body.run();
      passed.add(name);
      System.out.println("[check] PASS " + name);
    } catch (Exception | AssertionError e) {
      failed.add(name + ": " + e);
      System.out.println("[check] FAIL " + name + ": " + e);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  private void figure(String name, String value) {
    figures.put(name, value);
    System.out.println("[check] " + name + ": " + value);
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
  }

  private void alive() throws Exception {
    String running = engineOut("inspect", "--format", "{{.State.Running}}", container).trim();
    require(running.equals("true"), "container not running (OOM killed: " + oomKilled() + ")");
    send(HttpRequest.newBuilder(URI.create(base + "/q/health/live")).build(), 200);
  }

  private String oomKilled() {
    try {
      return engineOut("inspect", "--format", "{{.State.OOMKilled}}", container).trim();
    } catch (Exception e) {
      return "?";
    }
  }

  private void runsAsChartUser() throws Exception {
    String pid = engineOut("inspect", "--format", "{{.State.Pid}}", container).trim();
    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
    String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElse("");
    // host uid = container uid: podman as root maps ids one to one
    require(uid.split("\\s+")[1].equals(options.get("uid")), uid);
    String caps = status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElse("");
    require(caps.endsWith("0000000000000000"), "capabilities " + caps);
    String nnp = status.lines().filter(l -> l.startsWith("NoNewPrivs:")).findFirst().orElse("");
    require(nnp.endsWith("1"), nnp);
  }

  private void readOnlyRoot() throws Exception {
    // The engine's own files (hosts, resolv.conf, hostname, .containerenv) aside.
    List<String> engineFiles =
        List.of(
            "/etc",
            "/etc/hosts",
            "/etc/hostname",
            "/etc/resolv.conf",
            "/run",
            "/run/.containerenv");
    String out = engineOut("diff", container);
    for (String line : out.lines().toList()) {
      String path = line.length() > 2 ? line.substring(2).trim() : "";
      require(
          line.isBlank() || path.startsWith("/tmp") || engineFiles.contains(path),
          "changed outside /tmp: " + out);
    }
    Process touch =
        new ProcessBuilder(concat(engine, "exec", container, "touch", "/deployments/x"))
            .redirectErrorStream(true)
            .start();
    touch.getInputStream().readAllBytes();
    require(touch.waitFor() != 0, "/deployments is writable");
  }

  private static List<String> concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  // ---- memory of the container's cgroup (v1 or v2) ----

  private Path cgroup() throws Exception {
    String pid = engineOut("inspect", "--format", "{{.State.Pid}}", container).trim();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f[1].equals("memory")) {
        return Path.of("/sys/fs/cgroup/memory" + f[2]);
      }
      if (f[0].equals("0") && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
        return Path.of("/sys/fs/cgroup" + f[2]);
      }
    }
    throw new IllegalStateException("no memory cgroup for " + pid);
  }

  private boolean v2(Path cg) {
    return Files.exists(cg.resolve("memory.current"));
  }

  private double cgroupUsageMb() {
    try {
      Path cg = cgroup();
      return readLong(cg.resolve(v2(cg) ? "memory.current" : "memory.usage_in_bytes")) / 1048576.0;
    } catch (Exception e) {
      return -1;
    }
  }

  private double cgroupPeakMb() {
    try {
      Path cg = cgroup();
      return readLong(cg.resolve(v2(cg) ? "memory.peak" : "memory.max_usage_in_bytes")) / 1048576.0;
    } catch (Exception e) {
      return -1;
    }
  }

  private double cgroupAnonMb() {
    try {
      Path cg = cgroup();
      return stat(cg, v2(cg) ? "anon" : "rss") / 1048576.0;
    } catch (Exception e) {
      return -1;
    }
  }

  private long oomKills() {
    try {
      Path cg = cgroup();
      Path file = cg.resolve(v2(cg) ? "memory.events" : "memory.oom_control");
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("oom_kill ")) {
          return Long.parseLong(line.substring(9).trim());
        }
      }
      return 0;
    } catch (Exception e) {
      return -1;
    }
  }

  private static long stat(Path cg, String key) throws IOException {
    for (String line : Files.readAllLines(cg.resolve("memory.stat"))) {
      if (line.startsWith(key + " ")) {
        return Long.parseLong(line.substring(key.length() + 1).trim());
      }
    }
    return -1;
  }

  private static long readLong(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).trim());
  }

  // ---- the image and its containers ----

  private void imageFigures() throws Exception {
    long bytes =
        Long.parseLong(engineOut("image", "inspect", "--format", "{{.Size}}", image).trim());
    figure("image size on disk (MB)", fmt(bytes / 1e6));
    Path tar = work.resolve("image.tar");
    engine("save", "-o", tar.toString(), image);
    long compressed = gzipSize(tar);
    figure("image size compressed, gzip of save (MB)", fmt(compressed / 1e6));
    Files.delete(tar);
    Path seconds = Path.of("target/check/build-seconds");
    if (Files.exists(seconds)) {
      figure("image build time, last build (s)", Files.readString(seconds).trim());
    }
  }

  private static long gzipSize(Path file) throws Exception {
    Process gzip = new ProcessBuilder("gzip", "-c", file.toString()).start();
    long n = 0;
    try (InputStream in = gzip.getInputStream()) {
      byte[] buffer = new byte[1 << 16];
      int r;
      while ((r = in.read(buffer)) > 0) {
        n += r;
      }
    }
    gzip.waitFor();
    return n;
  }

  private List<String> runFlags() {
    String uid = options.get("uid");
    String memory = options.get("memory");
    return List.of(
        "--network=host",
        "--user=" + uid + ":" + uid,
        "--read-only",
        "--tmpfs=/tmp:rw,nosuid,nodev,mode=1777",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges",
        "--memory=" + memory,
        "--memory-swap=" + memory);
  }

  private void startContainer(String tag, boolean awaitReady) throws Exception {
    int port = freePort();
    String name = "files-api-check-" + ProcessHandle.current().pid() + "-" + tag;
    List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name));
    command.addAll(runFlags());
    Map<String, String> env = new LinkedHashMap<>();
    // The chart's environment (deployment.yaml, values.yaml) ...
    env.put("FILES_EMBEDDED", "false");
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    env.put("JAVA_TOOL_OPTIONS", options.getOrDefault("java-tool-options", ""));
    env.put("QUARKUS_SHUTDOWN_DELAY", options.getOrDefault("shutdown-delay", "5s"));
    env.put("QUARKUS_SHUTDOWN_TIMEOUT", options.getOrDefault("shutdown-timeout", "30s"));
    // ... and this check's database, store and receiver.
    env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl());
    env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
    env.put("QUARKUS_DATASOURCE_PASSWORD", "");
    env.put("FILES_STORAGE_BUCKET", BUCKET);
    env.put("QUARKUS_S3_ENDPOINT_OVERRIDE", store.endpoint());
    env.put("QUARKUS_S3_PATH_STYLE_ACCESS", "true");
    env.put("QUARKUS_S3_AWS_REGION", "us-east-1");
    env.put("QUARKUS_S3_AWS_CREDENTIALS_TYPE", "static");
    env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", ACCESS);
    env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", SECRET);
    env.put("FILES_BOOTSTRAP_API_KEY", API_KEY);
    env.put("FILES_WEBHOOKS_ALLOW_HTTP", "true");
    env.put("FILES_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
    env.put("FILES_QUOTA_MAX_IN_PROGRESS_UPLOADS", "1000000");
    env.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
    command.add(image);
    engine(command.toArray(String[]::new));
    container = name;
    containers.add(name);
    base = "http://127.0.0.1:" + port;
    if (awaitReady) {
      awaitReady();
    }
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            http.send(get("/v1/files/info"), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // keep polling
      }
      String running = engineOut("inspect", "--format", "{{.State.Running}}", container).trim();
      if (!running.equals("true")) {
        throw new IllegalStateException("the container stopped:\n" + logs());
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the container did not become ready:\n" + logs());
  }

  private void stopContainer(Duration patience) throws Exception {
    if (container == null) {
      return;
    }
    if (base != null && container.endsWith("-migrate")) {
      awaitReady();
    }
    engine("stop", "-t", String.valueOf(patience.toSeconds()), container);
    Files.writeString(work.resolve(container + ".log"), logs());
    engine("rm", "-f", container);
    containers.remove(container);
    container = null;
  }

  private boolean waitExit(Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (!engineOut("inspect", "--format", "{{.State.Running}}", container)
          .trim()
          .equals("true")) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private String logs() {
    try {
      String all = engineOut("logs", container);
      List<String> lines = all.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (Exception e) {
      return "(no logs: " + e + ")";
    }
  }

  private void engine(String... args) throws Exception {
    engineOut(args);
  }

  private String engineOut(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(engine);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  // ---- PostgreSQL, the receiver ----

  private void startPostgres() throws Exception {
    Path bin = Path.of(options.get("pg-bin"));
    pgPort = freePort();
    Path dir = Files.createTempDirectory("files-api-check-pg-");
    pgData = dir;
    run("chown", "postgres:postgres", dir.toString());
    run(
        "runuser",
        "-u",
        "postgres",
        "--",
        bin.resolve("initdb").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync");
    run(
        "runuser",
        "-u",
        "postgres",
        "--",
        bin.resolve("pg_ctl").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-l",
        dir.resolve("pg.log").toString(),
        "-w",
        "-o",
        "-p "
            + pgPort
            + " -k "
            + dir
            + " -c listen_addresses=127.0.0.1 -c fsync=off"
            + " -c max_connections=100",
        "start");
  }

  private String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  private void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          try {
            JsonNode event = JSON.readTree(body);
            hooks.add(event);
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            if (signature != null) {
              JsonNode uid = event.findValue("file_uid");
              if (uid != null) {
                hookSignatures.put(uid.asText(), signature);
              }
            }
          } catch (IOException ignored) {
            // not JSON: not ours
          }
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
  }

  private void stop() {
    for (String c : new ArrayList<>(containers)) {
      try {
        Files.writeString(work.resolve(c + ".log"), "");
        engine("rm", "-f", c);
      } catch (Exception e) {
        System.out.println("[check] could not remove " + c + ": " + e);
      }
    }
    if (receiver != null) {
      receiver.stop(0);
    }
    try {
      if (store != null) {
        store.close();
      }
    } catch (Exception e) {
      System.out.println("[check] S3Proxy: " + e);
    }
    if (pgData != null) {
      try {
        run(
            "runuser",
            "-u",
            "postgres",
            "--",
            options.get("pg-bin") + "/pg_ctl",
            "-D",
            pgData.resolve("data").toString(),
            "-m",
            "immediate",
            "stop");
      } catch (Exception e) {
        System.out.println("[check] PostgreSQL: " + e);
      }
    }
    try {
      ServiceProcess.deleteTree(work);
      if (pgData != null) {
        ServiceProcess.deleteTree(pgData);
      }
    } catch (IOException e) {
      System.out.println("[check] clean-up: " + e);
    }
  }

  // ---- HTTP ----

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

  private void finish(JsonNode initiated, byte[] content) throws Exception {
    String etag = putPart(initiated.get("parts").get(0).get("url").asText(), content);
    json(
        post(
            "/v1/files/uploads/" + initiated.get("upload_id").asText() + "/complete",
            "{\"parts\":[{\"part_number\":0,\"part_token\":" + quote(etag) + "}]}"),
        200);
  }

  private String putPart(String url, byte[] content) throws Exception {
    HttpResponse<Void> put =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    require(put.statusCode() == 200, "PUT part " + put.statusCode());
    return put.headers().firstValue("ETag").orElseThrow();
  }

  private void download(String name, byte[] expected) throws Exception {
    HttpResponse<InputStream> r = followDownload(name);
    byte[] got;
    try (InputStream in = r.body()) {
      got = in.readAllBytes();
    }
    require(java.util.Arrays.equals(got, expected), "downloaded bytes differ");
  }

  private HttpResponse<InputStream> followDownload(String name) throws Exception {
    HttpResponse<Void> redirect =
        http.send(get("/v1/files/download/" + enc(name)), HttpResponse.BodyHandlers.discarding());
    require(redirect.statusCode() == 302, "download " + redirect.statusCode());
    String location = redirect.headers().firstValue("Location").orElseThrow();
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(location)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    require(r.statusCode() == 200, "GET from the store " + r.statusCode());
    return r;
  }

  /** A form with one file part of {@code size} bytes (as base64 text when asked), streamed. */
  private HttpResponse<byte[]> bigForm(String path, String filename, long size, boolean base64)
      throws Exception {
    String boundary = "----check-" + System.nanoTime();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: "
                + (base64 ? "text/plain" : "application/octet-stream")
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    long contentLength = base64 ? (size + 2) / 3 * 4 : size;
    InputStream content = new PatternStream(size);
    if (base64) {
      content = new Base64Stream(content);
    }
    InputStream all =
        new SequenceInputStream(
            Collections.enumeration(
                List.of(
                    new java.io.ByteArrayInputStream(head),
                    content,
                    new java.io.ByteArrayInputStream(tail))));
    long length = head.length + contentLength + tail.length;
    InputStream body = all;
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + API_KEY)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .timeout(Duration.ofMinutes(10))
            .POST(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> body), length))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    String s = new String(r.body(), StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) : s;
  }

  private HttpRequest post(String path, String json) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + API_KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private HttpRequest form(String path, String filename, String contentType, byte[] content) {
    String boundary = "----container-check";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: "
                + contentType
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + API_KEY)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
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
    require(
        response.statusCode() == status,
        request.method()
            + " "
            + request.uri().getPath()
            + " -> "
            + response.statusCode()
            + " "
            + text(response));
    return JSON.readTree(response.body());
  }

  private void send(HttpRequest request, int status) throws Exception {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    require(
        response.statusCode() == status,
        request.method() + " " + request.uri().getPath() + " -> " + response.statusCode());
  }

  private static String quote(String value) throws Exception {
    return JSON.writeValueAsString(value);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String name(String prefix) {
    return prefix + "-" + names.incrementAndGet() + "-" + System.nanoTime() + ".bin";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static final byte[] BLOCK = bytes(1 << 20, 42);

  /** Bytes {@code offset .. offset + n} of an endless pattern (a random MiB, stamped per MiB). */
  static byte[] pattern(long offset, int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; ) {
      long at = offset + i;
      int inBlock = (int) (at & ((1 << 20) - 1));
      int len = Math.min(n - i, (1 << 20) - inBlock);
      System.arraycopy(BLOCK, inBlock, out, i, len);
      if (inBlock == 0 && len >= 8) {
        long mib = at >> 20;
        for (int k = 0; k < 8; k++) {
          out[i + k] = (byte) (mib >>> (8 * k));
        }
      }
      i += len;
    }
    return out;
  }

  /** {@link #pattern} as a stream of {@code size} bytes. */
  static final class PatternStream extends InputStream {
    private final long size;
    private long position;

    PatternStream(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, Math.min(size - position, 1 << 16));
      System.arraycopy(pattern(position, n), 0, b, off, n);
      position += n;
      return n;
    }
  }

  /** Base64 text (no line breaks) of another stream, as a stream. */
  static final class Base64Stream extends InputStream {
    private final InputStream source;
    private byte[] buffer = new byte[0];
    private int at;

    Base64Stream(InputStream source) {
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (at == buffer.length) {
        byte[] raw = source.readNBytes(3 * 21_845);
        if (raw.length == 0) {
          return -1;
        }
        buffer = Base64.getEncoder().encode(raw);
        at = 0;
      }
      int n = Math.min(len, buffer.length - at);
      System.arraycopy(buffer, at, b, off, n);
      at += n;
      return n;
    }
  }

  /**
   * An HTTP/1.1 client on one socket that tells an answered request from one written and never
   * answered (the connection closed or reset before a status line) and from one the service never
   * received (the write failed).
   */
  static final class RawClient implements AutoCloseable {
    enum Outcome {
      ANSWERED,
      NOT_SENT,
      UNANSWERED
    }

    record Result(Outcome outcome, int status, boolean close) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int port;

    RawClient(int port) throws IOException {
      this.port = port;
      this.socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(60_000);
      this.in = new java.io.BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    Result post(String path, String json) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nAuthorization: Bearer "
              + API_KEY
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length
              + "\r\n\r\n";
      try {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        return new Result(Outcome.NOT_SENT, 0, true);
      }
      try {
        String status = line();
        if (status == null) {
          return new Result(Outcome.UNANSWERED, 0, true);
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        long length = 0;
        boolean chunked = false;
        boolean close = false;
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
          String lower = h.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(lower.substring(15).trim());
          } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
            chunked = true;
          } else if (lower.startsWith("connection:") && lower.contains("close")) {
            close = true;
          }
        }
        if (chunked) {
          for (String size = line(); size != null; size = line()) {
            int n = Integer.parseInt(size.trim(), 16);
            in.readNBytes(n + 2);
            if (n == 0) {
              break;
            }
          }
        } else {
          in.readNBytes((int) length);
        }
        return new Result(Outcome.ANSWERED, code, close);
      } catch (IOException | RuntimeException e) {
        return new Result(Outcome.UNANSWERED, 0, true);
      }
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int n = s.length();
          return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
        }
        s.append((char) c);
      }
      return s.length() == 0 ? null : s.toString();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
