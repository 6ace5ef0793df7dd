package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload's rules against a scripted service and store (one JDK HTTP server playing both):
 * retries, fresh URLs, the repeated complete, CRC32C over a resumed upload, a refusing store.
 */
class UploaderTest {
  private static final int PART = 1000;
  private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), 0, 8);

  @TempDir Path dir;

  private HttpServer server;
  private URI base;
  private byte[] content;
  private Set<Integer> offered;
  private String integrity = "none";
  private final Map<Integer, Integer> firstPutStatus = new ConcurrentHashMap<>();
  private final Set<Integer> expiredAtInitiate = ConcurrentHashMap.newKeySet();
  private final Map<Integer, byte[]> stored = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> puts = new ConcurrentHashMap<>();
  private final List<Integer> urlRequests = Collections.synchronizedList(new ArrayList<>());
  private final Set<Integer> checkpointed = ConcurrentHashMap.newKeySet();
  private final AtomicInteger completes = new AtomicInteger();
  private int acceptedCompletes;
  private Map<String, Object> completingUpload;
  private final AtomicInteger initiates = new AtomicInteger();
  private volatile String checksumSent;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/", this::api);
    server.createContext("/store/", this::store);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int numParts() {
    return (content.length + PART - 1) / PART;
  }

  private Map<String, Object> descriptor(int n, boolean expired, int version) {
    Map<String, Object> part = new LinkedHashMap<>();
    part.put("part_number", n);
    part.put("url", base.resolve("/store/" + n + "?v=" + version).toString());
    part.put("offset", (long) n * PART);
    part.put("length", Math.min(PART, content.length - (long) n * PART));
    part.put(
        "expires_at",
        (expired ? Instant.now().minusSeconds(1) : Instant.now().plusSeconds(3600)).toString());
    return part;
  }

  private void api(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, Object> body = text.isEmpty() ? Map.of() : Json.parseObject(text);
    if (path.equals("/v1/files/uploads")) {
      List<Object> uploads = completingUpload == null ? List.of() : List.of(completingUpload);
      respond(exchange, 200, Map.of("uploads", uploads));
    } else if (path.endsWith("/initiate")) {
      initiates.incrementAndGet();
      List<Object> parts = new ArrayList<>();
      offered.stream()
          .sorted()
          .forEach(n -> parts.add(descriptor(n, expiredAtInitiate.contains(n), 1)));
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("upload_id", "upl_1");
      answer.put("file_uid", "fil_1");
      answer.put("num_parts", numParts());
      answer.put("part_size", PART);
      answer.put("integrity_algorithm", integrity);
      answer.put("is_resume", offered.size() < numParts());
      answer.put("parts", parts);
      answer.put("expires_at", Instant.now().plusSeconds(86400).toString());
      respond(exchange, 200, answer);
    } else if (path.endsWith("/parts/urls")) {
      List<Object> parts = new ArrayList<>();
      for (Object n : (List<?>) body.get("part_numbers")) {
        urlRequests.add(((Number) n).intValue());
        parts.add(descriptor(((Number) n).intValue(), false, 2));
      }
      respond(exchange, 200, Map.of("parts", parts));
    } else if (path.endsWith("/parts/checkpoint")) {
      List<?> parts = (List<?>) body.get("parts");
      parts.forEach(
          p -> checkpointed.add(((Number) ((Map<?, ?>) p).get("part_number")).intValue()));
      respond(exchange, 200, Map.of("num_checkpointed", parts.size()));
    } else if (path.endsWith("/complete")) {
      if (completes.incrementAndGet() <= acceptedCompletes) {
        exchange.getResponseHeaders().add("Retry-After", "0");
        respond(exchange, 202, Map.of("upload_id", "upl_1", "status", "completing"));
        return;
      }
      checksumSent = (String) body.get("integrity_checksum");
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("file_id", "f.bin");
      file.put("file_uid", "fil_1");
      file.put("num_bytes", content.length);
      file.put("file_status", "Registered");
      respond(exchange, 200, file);
    } else {
      respond(exchange, 404, Map.of("code", "not_found"));
    }
  }

  private void store(HttpExchange exchange) throws IOException {
    int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/store/".length()));
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    int attempt = puts.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    boolean stale =
        exchange.getRequestURI().getQuery().equals("v=1") && expiredAtInitiate.contains(n);
    Integer scripted = attempt == 1 ? firstPutStatus.get(n) : null;
    if (stale || scripted != null) {
      byte[] xml =
          ("<Error><Code>" + (stale ? "AccessDenied" : "Scripted") + "</Code></Error>")
              .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(stale ? 403 : scripted, xml.length);
      exchange.getResponseBody().write(xml);
      exchange.close();
      return;
    }
    stored.put(n, bytes);
    exchange.getResponseHeaders().add("ETag", "\"etag-" + n + "\"");
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  private static void respond(HttpExchange exchange, int status, Object json) throws IOException {
    byte[] bytes = Json.write(json).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private Path file(int size) throws IOException {
    content = new byte[size];
    new Random(size).nextBytes(content);
    return Files.write(dir.resolve("f.bin"), content);
  }

  private Map<String, Object> upload(Path file, int parallel) {
    ApiClient api = new ApiClient(base, "fk_test", FAST);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Uploader(api, FAST, quiet)
        .upload(
            file,
            new Uploader.Options(
                Optional.empty(),
                Optional.empty(),
                parallel,
                true,
                RateLimit.NONE,
                ProgressPrinter.Mode.NONE,
                80,
                1000));
  }

  private byte[] assembled() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int n = 0; n < numParts(); n++) {
      out.writeBytes(stored.get(n));
    }
    return out.toByteArray();
  }

  /** Azure's Put Block answers no ETag: only its URLs (comp=block) take an empty token. */
  @Test
  void onlyAzurePutBlockUrlsMayAnswerWithoutAnETag() {
    assertTrue(
        Uploader.isAzureBlock(
            "http://127.0.0.1:10000/devstoreaccount1/files/orgs/o/files/f?sv=2021-08-06&sr=b"
                + "&sp=w&se=2026-12-07T13%3A00%3A00Z&sig=abc&comp=block&blockid=cGFydC0wMDAwMA%3D%3D"));
    assertEquals(
        false,
        Uploader.isAzureBlock(
            "http://127.0.0.1:9000/files/orgs/o/files/f?uploadId=u&partNumber=1&X-Amz-Signature=s"));
    assertEquals(false, Uploader.isAzureBlock("http://store/k?comp=blocklist"));
  }

  @Test
  void retriesRefreshesUrlsAndRepeatsTheCompleteUntil200() throws IOException {
    Path path = file(5 * PART - 123);
    offered = Set.of(0, 1, 2, 3, 4);
    expiredAtInitiate.add(3); // refreshed before its PUT
    firstPutStatus.put(1, 403); // an URL the store no longer takes: a fresh one
    firstPutStatus.put(2, 503); // a store hiccup: backoff and again
    expiredAtInitiate.add(4);
    acceptedCompletes = 2; // the store is still assembling twice

    Map<String, Object> result = upload(path, 3);

    assertArrayEquals(content, assembled());
    assertEquals(5, result.get("parts_sent"));
    assertEquals(7, result.get("put_requests"), "5 parts, one 403 and one 503");
    assertEquals(2, result.get("retries"));
    assertTrue(urlRequests.containsAll(List.of(1, 3, 4)), urlRequests::toString);
    assertEquals(1, puts.get(3).get(), "part 3's expired URL was never used");
    assertEquals(3, completes.get(), "two 202s, then the 200");
    assertEquals(Set.of(0, 1, 2, 3, 4), checkpointed);
    assertEquals(null, checksumSent, "integrity_algorithm none: no checksum");
  }

  @Test
  void resumedCrc32cUploadSendsTheWholeFilesChecksum() throws IOException {
    Path path = file(5 * PART - 7);
    integrity = "crc32c";
    offered = Set.of(2, 3, 4); // 0 and 1 were checkpointed by an earlier run

    Map<String, Object> result = upload(path, 2);

    assertEquals(2, result.get("parts_skipped"));
    assertEquals(3, result.get("parts_sent"));
    assertEquals(Set.of(2, 3, 4), puts.keySet(), "only the parts not checkpointed are PUT");
    CRC32C crc = new CRC32C();
    crc.update(content);
    assertEquals(Crc32c.base64((int) crc.getValue()), checksumSent);
  }

  @Test
  void aStoreThatRefusesAPartEndsTheRunAsResumable() throws IOException {
    Path path = file(3 * PART);
    offered = Set.of(0, 1, 2);
    firstPutStatus.put(1, 400); // not retried: no repeat cures it

    CliFailure failure = assertThrows(CliFailure.class, () -> upload(path, 1));

    assertEquals(ExitCode.STORE_REFUSED, failure.exitCode);
    assertTrue(
        failure.getMessage().contains("the store refused part 1: HTTP 400 Scripted"),
        failure::getMessage);
    assertTrue(failure.getMessage().contains("run the same command again"), failure::getMessage);
    assertEquals(0, completes.get());
    assertTrue(checkpointed.contains(0), "what was sent is checkpointed");
  }

  @Test
  void anUploadLeftCompletingIsCompletedAgainNotStartedAgain() throws IOException {
    Path path = file(5 * PART);
    completingUpload = // the fields of GET /v1/files/uploads's UploadView
        Map.of(
            "upload_id", "upl_1",
            "file_name", "f.bin",
            "total_bytes", 5 * PART,
            "num_parts", 5,
            "status", "completing");
    acceptedCompletes = 1;

    Map<String, Object> result = upload(path, 2);

    assertEquals(0, initiates.get());
    assertEquals(true, result.get("resumed"));
    assertEquals(0, result.get("parts_sent"));
    assertEquals(5, result.get("parts_skipped"));
    assertEquals(2, completes.get(), "a 202, then the file");
    assertTrue(puts.isEmpty());
  }
}
