package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A part's PUT: its range of the file, counted and hashed, and what the store answers. */
class PartPutTest {
  @TempDir Path dir;

  private HttpServer server;
  private final List<byte[]> received = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void store() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/part",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          synchronized (received) {
            received.add(body);
          }
          exchange.getResponseHeaders().add("ETag", "\"etag-" + body.length + "\"");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.createContext(
        "/busy",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] xml = "<Error><Code>SlowDown</Code></Error>".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Retry-After", "3");
          exchange.sendResponseHeaders(503, xml.length);
          exchange.getResponseBody().write(xml);
          exchange.close();
        });
    server.createContext(
        "/silent",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          try {
            release.await(30, TimeUnit.SECONDS); // answers only once the test is over
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void writesItsRangeInChunksCountsItAndHashesIt() throws Exception {
    byte[] file = new byte[3 * PartPut.CHUNK + 1000];
    new Random(3).nextBytes(file);
    Path path = Files.write(dir.resolve("f.bin"), file);
    long offset = 777;
    long length = 2 * PartPut.CHUNK + 5;
    Progress progress = new Progress("f.bin", file.length, 1);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      PartPut put = new PartPut(channel, offset, length, RateLimit.NONE, progress);
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      put.writeTo(first);

      byte[] expected = Arrays.copyOfRange(file, (int) offset, (int) (offset + length));
      assertArrayEquals(expected, first.toByteArray());
      CRC32C crc = new CRC32C();
      crc.update(expected);
      assertEquals((int) crc.getValue(), put.crc());
      assertEquals(length, progress.snapshot(System.nanoTime()).bytes());

      // A second attempt starts over; the first one's count is taken back, so the progress counts
      // the part once, and the hash is the part's again.
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      put.writeTo(again);
      assertArrayEquals(expected, again.toByteArray());
      assertEquals((int) crc.getValue(), put.crc());
      assertEquals(length, progress.snapshot(System.nanoTime()).bytes());
      put.uncount();
      assertEquals(0, progress.snapshot(System.nanoTime()).bytes());
    }
  }

  @Test
  void aFileShorterThanItsPartIsAnError() throws Exception {
    Path path = Files.write(dir.resolve("short.bin"), new byte[100]);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      PartPut put = new PartPut(channel, 0, 200, RateLimit.NONE, new Progress("s", 200, 1));
      assertThrows(IOException.class, () -> put.writeTo(new ByteArrayOutputStream()));
    }
  }

  @Test
  void sendsThePartAndReturnsItsETagOnOneConnectionPerWorker() throws Exception {
    byte[] file = new byte[PartPut.CHUNK * 2];
    new Random(4).nextBytes(file);
    Path path = Files.write(dir.resolve("p.bin"), file);
    Progress progress = new Progress("p.bin", file.length, 2);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      for (int n = 0; n < 2; n++) {
        PartPut put =
            new PartPut(channel, n * PartPut.CHUNK, PartPut.CHUNK, RateLimit.NONE, progress);
        PartPut.Answer answer = put.send(uri("/part"), Duration.ofSeconds(10));
        assertEquals(200, answer.status());
        assertEquals(Optional.of("\"etag-" + PartPut.CHUNK + "\""), answer.etag());
      }
    }
    assertEquals(2, received.size());
    assertArrayEquals(Arrays.copyOfRange(file, 0, PartPut.CHUNK), received.get(0));
    assertArrayEquals(Arrays.copyOfRange(file, PartPut.CHUNK, file.length), received.get(1));
    assertEquals(file.length, progress.snapshot(System.nanoTime()).bytes());
  }

  @Test
  void anErrorAnswerCarriesItsBodyAndRetryAfter() throws Exception {
    Path path = Files.write(dir.resolve("e.bin"), new byte[1000]);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      PartPut put = new PartPut(channel, 0, 1000, RateLimit.NONE, new Progress("e", 1000, 1));
      PartPut.Answer answer = put.send(uri("/busy"), Duration.ofSeconds(10));
      assertEquals(503, answer.status());
      assertTrue(answer.body().contains("<Code>SlowDown</Code>"), answer.body());
      assertEquals(Optional.of("3"), answer.retryAfter());
    }
  }

  @Test
  void aStoreThatNeverAnswersIsGivenUpAtTheTimeout() throws Exception {
    Path path = Files.write(dir.resolve("t.bin"), new byte[1000]);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      PartPut put = new PartPut(channel, 0, 1000, RateLimit.NONE, new Progress("t", 1000, 1));
      long started = System.nanoTime();
      assertThrows(
          SocketTimeoutException.class, () -> put.send(uri("/silent"), Duration.ofSeconds(1)));
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(took < 20_000, "gave up after " + took + " ms");
    }
  }
}
