package dev.filesapi.cli;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download against a scripted service and store: the 302 followed without the key, a connection
 * broken mid-file continued with a range, the CRC32C checked.
 */
class DownloaderTest {
  private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), 0, 8);

  @TempDir Path dir;

  private HttpServer server;
  private URI base;
  private final byte[] content = new byte[300_000];
  private String checksum;
  private final List<String> storeRequests = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    new Random(7).nextBytes(content);
    CRC32C crc = new CRC32C();
    crc.update(content);
    checksum = Crc32c.base64((int) crc.getValue());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/", this::api);
    server.createContext("/store/", this::store);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void api(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/v1/files/metadata/f.bin")) {
      byte[] body =
          Json.write(
                  Map.of(
                      "file_id",
                      "f.bin",
                      "num_bytes",
                      content.length,
                      "checksum",
                      Map.of("algorithm", "crc32c", "value", checksum)))
              .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } else if (path.equals("/v1/files/download/f.bin")) {
      exchange.getResponseHeaders().add("Location", "/store/f.bin?signature=x");
      exchange.sendResponseHeaders(302, -1);
    } else {
      exchange.sendResponseHeaders(404, -1);
    }
    exchange.close();
  }

  /** The first GET stalls after 100,000 bytes; ranges are honoured. */
  private void store(HttpExchange exchange) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    storeRequests.add(range + (authorization == null ? "" : " with a key"));
    int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
    if (range != null) {
      exchange
          .getResponseHeaders()
          .add(
              "Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
    }
    exchange.sendResponseHeaders(range == null ? 200 : 206, content.length - from);
    if (storeRequests.size() == 1) {
      exchange.getResponseBody().write(content, 0, 100_000);
      exchange.getResponseBody().flush();
      return; // and nothing more: the download's watchdog breaks it off
    }
    exchange.getResponseBody().write(content, from, content.length - from);
    exchange.close();
  }

  private Map<String, Object> download() {
    ApiClient api = new ApiClient(base, "fk_test", FAST);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Downloader(api, FAST, quiet, Duration.ofMillis(500))
        .download(
            "f.bin",
            Optional.of(dir.resolve("out.bin")),
            RateLimit.NONE,
            ProgressPrinter.Mode.NONE,
            80,
            1000);
  }

  @Test
  void aStalledTransferGoesOnWithARangeAndIsChecked() throws IOException {
    Map<String, Object> result = download();

    assertEquals(-1, Files.mismatch(dir.resolve("out.bin"), writeExpected()));
    assertEquals(true, result.get("crc32c_checked"));
    assertEquals("null", storeRequests.get(0), "the store is asked without the key");
    assertEquals("bytes=100000-", storeRequests.get(1), "a range from where it stalled");
    assertTrue(Files.notExists(dir.resolve("out.bin.part")));
  }

  @Test
  void aCopyWhoseCrc32cDiffersIsDeleted() {
    checksum = "AAAAAA==";

    CliFailure failure = assertThrows(CliFailure.class, this::download);

    assertEquals(ExitCode.FAILED, failure.exitCode);
    assertTrue(
        failure.getMessage().contains("differs from the file's AAAAAA=="), failure::getMessage);
    assertTrue(Files.notExists(dir.resolve("out.bin")));
    assertTrue(Files.notExists(dir.resolve("out.bin.part")));
  }

  private Path writeExpected() throws IOException {
    return Files.write(dir.resolve("expected.bin"), content);
  }
}
