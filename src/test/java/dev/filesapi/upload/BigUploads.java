package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.compat.SourceClient;
import dev.filesapi.file.StoredFile;
import dev.filesapi.support.Api;
import dev.filesapi.support.BigStoreResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Issue 24's big uploads, shared by the tests on each store ({@link BigStoreResource}): an upload
 * of {@code size} bytes initiated and completed as the source API's Python client does (three
 * attempts, no pause, again on anything but 200/201 and 400–416), its parts PUT 8 at a time to the
 * presigned URLs; then the file must be registered with its size, and the bucket on disk must hold
 * exactly the registered files' objects, of their sizes: nothing orphaned, no part left.
 */
final class BigUploads {
  private static final Logger LOG = Logger.getLogger(BigUploads.class);
  private static final int PARALLEL_PUTS = 8;

  private BigUploads() {}

  /** What a big upload ended with. */
  record Completed(
      String uploadId,
      String fileUid,
      String fileName,
      long size,
      int parts,
      SourceClient.Result answer,
      int attempts,
      Duration lastPutToFile) {}

  /**
   * Initiates, PUTs every part and completes as the source client does. With {@code
   * untilRegistered} the client's call is repeated (each time its three attempts) until {@code
   * 200}, at most 20 times, as a client with a larger {@code num_retries} would (the delaying
   * relay's benchmark); otherwise the client's one call is all there is.
   */
  static Completed uploadAndComplete(long size, boolean untilRegistered) throws Exception {
    return uploadAndComplete(size, untilRegistered, false);
  }

  /**
   * As {@link #uploadAndComplete(long, boolean)}; with {@code checkpoint}, every part is
   * checkpointed in one request before the complete (which still sends every part, as the source
   * client does).
   */
  static Completed uploadAndComplete(long size, boolean untilRegistered, boolean checkpoint)
      throws Exception {
    SourceClient client = new SourceClient(dev.filesapi.support.FilesTestResource.API_KEY);
    String filename = "big-" + UUID.randomUUID() + ".txt";
    SourceClient.Result initiated = client.initiate(filename, size);
    assertThat(initiated.status()).as(initiated.body()).isEqualTo(200);
    JsonPath json = initiated.json();
    String uploadId = json.getString("upload_id");
    List<Map<String, Object>> parts = json.getList("parts");
    long putStarted = System.nanoTime();
    List<Map<String, Object>> tokens = putAll(parts);
    long lastPut = System.nanoTime();
    LOG.infof(
        "PUT of %d bytes in %d parts to %s: %d ms",
        size,
        parts.size(),
        BigStoreResource.description(),
        Duration.ofNanos(lastPut - putStarted).toMillis());

    if (checkpoint) {
      long started = System.nanoTime();
      var answer = UploadTestSupport.checkpoint(uploadId, tokens.toArray());
      assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
      LOG.infof(
          "checkpoint of %d parts: %d ms",
          tokens.size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
      assertThat(UploadTestSupport.view(uploadId).getList("checkpointed_parts"))
          .hasSize(tokens.size());
    }
    SourceClient.Result completed = client.complete(uploadId, tokens);
    int attempts = completed.attempts();
    for (int call = 1; untilRegistered && completed.status() != 200 && call < 20; call++) {
      completed = client.complete(uploadId, tokens);
      attempts += completed.attempts();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - lastPut);
    LOG.infof(
        "complete of %d bytes (%d parts) on %s: %d ms from the last PUT to the file, %d"
            + " attempt(s), answer %d; load average %s",
        size,
        tokens.size(),
        BigStoreResource.description(),
        took.toMillis(),
        attempts,
        completed.status(),
        loadAverage());
    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.json().getLong("num_bytes")).isEqualTo(size);
    assertThat(completed.json().getString("file_status")).isEqualTo("Registered");
    assertThat(UploadTestSupport.view(uploadId).getString("status")).isEqualTo("completed");
    return new Completed(
        uploadId,
        json.getString("file_uid"),
        completed.json().getString("file_name"),
        size,
        tokens.size(),
        completed,
        attempts,
        took);
  }

  /**
   * Objects = files: the bucket's folder on disk holds one file per registered file, at its storage
   * key and of its size, and nothing else (no orphaned object, no multipart part).
   */
  static void assertObjectsAreFiles() throws IOException {
    Map<String, Long> files =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    StoredFile.<StoredFile>listAll().stream()
                        .collect(
                            Collectors.toMap(
                                file -> file.storageKey,
                                file -> file.numBytes,
                                (a, b) -> a,
                                TreeMap::new)));
    Path bucket = BigStoreResource.bucketDirectory();
    Map<String, Long> objects = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(bucket)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        String key = bucket.relativize(path).toString().replace('\\', '/');
        objects.put(key, Files.size(path));
      }
    }
    assertThat(objects).as("objects in %s", bucket).isEqualTo(files);
  }

  /** Deletes the file through the API (its object goes with it), so the disk is free again. */
  static void delete(Completed upload) throws IOException {
    Api.api()
        .urlEncodingEnabled(false)
        .delete("/v1/files/delete/" + upload.fileName())
        .then()
        .statusCode(200);
    assertObjectsAreFiles();
  }

  /** The sizes of a benchmark run: {@code -Dfiles.big.bytes=N,N,…}, else the given one. */
  static List<Long> sizes(long byDefault) {
    String given = System.getProperty("files.big.bytes", "");
    if (given.isBlank()) {
      return List.of(byDefault);
    }
    return Stream.of(given.split(",")).map(String::strip).map(Long::parseLong).toList();
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** PUTs every part, 8 at a time; each part's bytes differ (its number is stamped in). */
  private static List<Map<String, Object>> putAll(List<Map<String, Object>> parts)
      throws Exception {
    int largest =
        parts.stream().mapToInt(part -> ((Number) part.get("length")).intValue()).max().orElse(0);
    byte[] block = new byte[largest];
    new Random(largest).nextBytes(block);
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_PUTS);
    try {
      List<Future<Map<String, Object>>> done = new ArrayList<>();
      for (Map<String, Object> part : parts) {
        done.add(pool.submit(() -> put(part, block)));
      }
      List<Map<String, Object>> tokens = new ArrayList<>();
      for (Future<Map<String, Object>> token : done) {
        tokens.add(token.get());
      }
      tokens.sort(Comparator.comparingInt(t -> (Integer) t.get("part_number")));
      return tokens;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, Object> put(Map<String, Object> part, byte[] block) throws Exception {
    int number = ((Number) part.get("part_number")).intValue();
    int length = ((Number) part.get("length")).intValue();
    byte[] bytes = java.util.Arrays.copyOf(block, length);
    if (length >= Integer.BYTES) {
      ByteBuffer.wrap(bytes).putInt(0, number);
    }
    return Map.of(
        "part_number",
        number,
        "part_token",
        Api.put((String) part.get("url"), bytes, 0, bytes.length));
  }
}
