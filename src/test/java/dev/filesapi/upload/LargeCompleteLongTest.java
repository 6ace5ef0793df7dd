package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.compat.SourceClient;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 24's report, as a test: a 2 GiB upload (256 parts of 8 MiB, 8 PUTs at a time) to S3Proxy
 * over the local disk (the embedded default's store, which copies every byte to assemble the
 * object), completed the way the source API's Python client does (three attempts, no pause). It
 * must end registered within those attempts, with the object's size, and the object must be the
 * file's. The size is {@code -Dfiles.large-complete.bytes} (e.g. 5 GiB = 5368709120) for the
 * benchmark in BENCHMARKS.md; the time from the last PUT to the registered file is logged.
 */
@QuarkusTest
@Tag("long")
@TestProfile(LargeCompleteLongTest.EightMiBParts.class)
@WithTestResource(
    value = FilesTestResource.class,
    initArgs = @ResourceArg(name = FilesTestResource.ON_DISK, value = "true"))
class LargeCompleteLongTest {
  private static final Logger LOG = Logger.getLogger(LargeCompleteLongTest.class);
  private static final int PARALLEL_PUTS = 8;

  /** The product's default part size, as the uploads had it. */
  public static class EightMiBParts implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("files.upload.part-size", "8M");
    }
  }

  @Inject StorageBackend storage;

  @Test
  void aTwoGibUploadCompletesWithinTheSourceClientsThreeAttempts() throws Exception {
    long size = Long.getLong("files.large-complete.bytes", 2L << 30);
    SourceClient client = new SourceClient(FilesTestResource.API_KEY);
    String filename = "large-" + UUID.randomUUID() + ".txt";
    SourceClient.Result initiated = client.initiate(filename, size);
    assertThat(initiated.status()).as(initiated.body()).isEqualTo(200);
    JsonPath json = initiated.json();
    String uploadId = json.getString("upload_id");

    List<Map<String, Object>> tokens = putAll(json.getList("parts"));
    long lastPut = System.nanoTime();
    SourceClient.Result completed = client.complete(uploadId, tokens);
    Duration took = Duration.ofNanos(System.nanoTime() - lastPut);
    LOG.infof(
        "complete of %d bytes (%d parts) on the disk store: %d ms from the last PUT to the file,"
            + " %d attempt(s)",
        size, tokens.size(), took.toMillis(), completed.attempts());

    assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    assertThat(completed.json().getLong("num_bytes")).isEqualTo(size);
    // Objects = files: the object at the upload's key is the registered file's, of its size.
    String key =
        QuarkusTransaction.requiringNew().call(() -> Upload.<Upload>findById(uploadId).storageKey);
    Optional<ObjectStat> object = storage.stat(key);
    assertThat(object).isPresent();
    assertThat(object.get().size()).isEqualTo(size);
    assertThat(UploadTestSupport.view(uploadId).getString("status")).isEqualTo("completed");
  }

  /** PUTs every part, 8 at a time, each part's bytes drawn from its own seed. */
  private static List<Map<String, Object>> putAll(List<Map<String, Object>> parts)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_PUTS);
    try {
      List<Future<Map<String, Object>>> done = new ArrayList<>();
      for (Map<String, Object> part : parts) {
        done.add(pool.submit(() -> put(part)));
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

  private static Map<String, Object> put(Map<String, Object> part) throws Exception {
    int number = ((Number) part.get("part_number")).intValue();
    byte[] bytes = new byte[((Number) part.get("length")).intValue()];
    new Random(number).nextBytes(bytes);
    return Map.of(
        "part_number",
        number,
        "part_token",
        Api.put((String) part.get("url"), bytes, 0, bytes.length));
  }
}
