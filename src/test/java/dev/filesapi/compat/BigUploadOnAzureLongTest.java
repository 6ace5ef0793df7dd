package dev.filesapi.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.AzuriteResource;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * 5 GiB through the service onto Azure Blob (Azurite): initiated and completed with the source
 * API's client's requests, its 1,024 parts PUT 8 at a time without any header (Put Block, empty
 * tokens), committed without a byte copied; then downloaded through the presigned URL and compared
 * by CRC32C with what was sent, and deleted.
 */
@Tag("long") // ~1–3 min by the machine's load and disk; CI: -Plong
@QuarkusTest
@WithTestResource(AzuriteResource.class)
@EnabledIf(
    value = "dev.filesapi.support.AzuriteProcess#runnable",
    disabledReason = "Azurite is not installed (npm install azurite@3.37.0)")
class BigUploadOnAzureLongTest {
  private static final Logger LOG = Logger.getLogger(BigUploadOnAzureLongTest.class);
  private static final long FIVE_GIB = 5L << 30;
  private static final int PARALLEL_PUTS = 8;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void fiveGibAreCommittedDownloadedIdenticalAndDeleted() throws Exception {
    SourceClient client = new SourceClient(FilesTestResource.API_KEY);
    String name = "big-azure-" + UUID.randomUUID() + ".csv";
    SourceClient.Result initiated = client.initiate(name, FIVE_GIB);
    assertThat(initiated.status()).as(initiated.body()).isEqualTo(200);
    String uploadId = initiated.json().getString("upload_id");
    List<Map<String, Object>> parts = initiated.json().getList("parts");
    assertThat(parts).hasSize(1024);
    byte[] block = new byte[((Number) parts.get(0).get("length")).intValue()];
    new Random(5).nextBytes(block);

    long started = System.nanoTime();
    List<Map<String, Object>> tokens = putAll(parts, block);
    long put = System.nanoTime();
    SourceClient.Result completed = client.complete(uploadId, tokens);
    long done = System.nanoTime();
    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.json().getLong("num_bytes")).isEqualTo(FIVE_GIB);
    LOG.infof(
        "5 GiB on Azurite: PUT of 1,024 parts %d ms, complete %d ms",
        Duration.ofNanos(put - started).toMillis(), Duration.ofNanos(done - put).toMillis());

    assertThat(downloadedCrc(name)).isEqualTo(expectedCrc(parts, block));
    assertThat(client.delete(name).json().getBoolean("is_valid")).isTrue();
  }

  /** A part's bytes: the block, its first four bytes the part's number. */
  private static byte[] partBytes(Map<String, Object> part, byte[] block) {
    int number = ((Number) part.get("part_number")).intValue();
    int length = ((Number) part.get("length")).intValue();
    byte[] bytes = java.util.Arrays.copyOf(block, length);
    ByteBuffer.wrap(bytes).putInt(0, number);
    return bytes;
  }

  private static List<Map<String, Object>> putAll(List<Map<String, Object>> parts, byte[] block)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_PUTS);
    try {
      List<Future<Map<String, Object>>> sent = new ArrayList<>();
      for (Map<String, Object> part : parts) {
        sent.add(
            pool.submit(
                () -> {
                  HttpResponse<String> answer =
                      HTTP.send(
                          HttpRequest.newBuilder(URI.create((String) part.get("url")))
                              .PUT(HttpRequest.BodyPublishers.ofByteArray(partBytes(part, block)))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                  return Map.<String, Object>of(
                      "part_number",
                      part.get("part_number"),
                      "part_token",
                      answer.headers().firstValue("ETag").orElse(""));
                }));
      }
      List<Map<String, Object>> tokens = new ArrayList<>();
      for (Future<Map<String, Object>> token : sent) {
        tokens.add(token.get());
      }
      return tokens;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long expectedCrc(List<Map<String, Object>> parts, byte[] block) {
    CRC32C crc = new CRC32C();
    for (Map<String, Object> part : parts) {
      crc.update(partBytes(part, block));
    }
    return crc.getValue();
  }

  private static long downloadedCrc(String name) throws Exception {
    HttpResponse<Void> redirect =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        io.restassured.RestAssured.baseURI
                            + ":"
                            + io.restassured.RestAssured.port
                            + "/v1/files/download/"
                            + name))
                .header("Authorization", "Bearer " + FilesTestResource.API_KEY)
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(redirect.statusCode()).isEqualTo(302);
    HttpResponse<InputStream> object =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(redirect.headers().firstValue("Location").orElseThrow()))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(object.statusCode()).isEqualTo(200);
    CRC32C crc = new CRC32C();
    long total = 0;
    try (InputStream in = object.body()) {
      byte[] buffer = new byte[1 << 20];
      for (int read; (read = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, read);
        total += read;
      }
    }
    assertThat(total).isEqualTo(FIVE_GIB);
    return crc.getValue();
  }
}
