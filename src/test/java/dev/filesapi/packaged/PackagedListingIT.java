package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.ConformingHttpClient;
import dev.filesapi.support.PackagedApp;
import dev.filesapi.tenancy.ApiKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole listing of a large organization, as the published Python client asks for it ({@code
 * shard_index=-1&max_items_per_shard=-1}), from the packaged application on a 64 MiB heap: 200,000
 * records cannot be held in that heap, so the answer must be streamed from a database cursor as it
 * is written. The test reads it streaming too, never holding the body.
 */
@Tag("long") // 200,000 files listed by the packaged service
class PackagedListingIT {
  private static final int FILES = 200_000;

  /** A key of the real shape: fk_live_ and 40 characters. */
  private static final String API_KEY = "fk_live_listing" + "0".repeat(33);

  private static final String BUCKET = "listing";
  private static final String LISTING = "/v1/files/metadata?shard_index=-1&max_items_per_shard=-1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration LISTING_TIMEOUT = Duration.ofSeconds(120);

  /** Seeded file n (1-based) is {@code exports/2024/customer-report-<n, 6 digits><extension>}. */
  private static final String[] EXTENSIONS = {".pdf", ".png", ".bin"};

  private static final String[] TYPES = {
    "application/pdf", "image/png", "application/octet-stream"
  };

  /**
   * One statement: FILES registered files of the organization holding the key, created 1.25 s apart
   * in the order of n (so the listing order is n's), every other one with a CRC32C checksum.
   */
  private static final String SEED =
      """
      insert into stored_file (file_uid, organization_id, file_id, file_type, num_bytes, status,
          checksum_algorithm, checksum_value, storage_key, backend, created_at)
      select 'fil_' || lpad(to_hex(n), 26, '0'),
             k.organization_id,
             'exports/2024/customer-report-' || lpad(n::text, 6, '0')
                 || (array['.pdf', '.png', '.bin'])[n % 3 + 1],
             (array['application/pdf', 'image/png', 'application/octet-stream'])[n % 3 + 1],
             1 + (n::bigint * 2654435761) % 5000000000,
             'REGISTERED',
             case when n % 2 = 0 then 'crc32c' end,
             case when n % 2 = 0 then encode(int4send(n), 'base64') end,
             'orgs/' || k.organization_id || '/files/fil_' || lpad(to_hex(n), 26, '0'),
             's3',
             timestamptz '2024-01-01 00:00:00+00' + n * interval '1250 milliseconds'
      from api_key k cross join generate_series(1, ?) as n
      where k.key_hash = ?
      """;

  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static PackagedApp app;
  private static URI base;

  @BeforeAll
  static void startTheServiceOnA64MiBHeapAndSeed() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store = EmbeddedStore.inMemory("listing-access-key", "listing-secret-key").start(0, BUCKET);
    List<String> options = new ArrayList<>();
    options.add("-Xmx64m");
    options.addAll(PackagedApp.databaseSettings(database));
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
    // Plain log lines: the log goes into failure messages.
    options.add("-Dquarkus.log.console.json.enabled=false");
    app = PackagedApp.start("packaged-listing-", options);
    base = app.awaitReady(START_TIMEOUT);

    // After ready: Flyway has migrated and the bootstrap organization holds the key.
    try (Connection connection =
            DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
        PreparedStatement seed = connection.prepareStatement(SEED)) {
      seed.setInt(1, FILES);
      seed.setString(2, ApiKeys.hash(API_KEY));
      assertThat(seed.executeUpdate()).as("files seeded").isEqualTo(FILES);
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    PackagedApp.closeAll(app, store, database);
  }

  @Test
  void theWholeListingOf200000FilesStreamsFromA64MiBHeap() {
    try {
      long started = System.nanoTime();
      Listing listing =
          assertTimeoutPreemptively(LISTING_TIMEOUT, PackagedListingIT::readWholeListing);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(listing.records()).as("records listed").isEqualTo(FILES);
      System.out.printf(
          "PackagedListingIT: %d records (%d bytes) listed in %s; service peak RSS %s%n",
          listing.records(), listing.bytes(), took, peakRss(app.process()));

      HttpResponse<String> info = get("/v1/files/info", HttpResponse.BodyHandlers.ofString());
      assertThat(info.statusCode()).as("GET /v1/files/info: " + info.body()).isEqualTo(200);
      assertThat(JSON.readTree(info.body()).path("num_files").asLong()).isEqualTo(FILES);
      assertThat(app.process().isAlive()).as("the service is still running").isTrue();
    } catch (Throwable e) {
      throw new AssertionError(e.getMessage() + "\n" + app.report(), e);
    }
  }

  private record Listing(int records, long bytes) {}

  /**
   * Reads the listing token by token: file_index increases down the list, the records come in the
   * seeded order and created_at never goes back.
   */
  private static Listing readWholeListing() throws Exception {
    HttpResponse<InputStream> response = get(LISTING, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        String start = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
        throw new AssertionError(
            "GET " + LISTING + " answered " + response.statusCode() + ": " + start);
      }
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
      try (JsonParser parser = new JsonFactory().createParser(body)) {
        assertThat(parser.nextToken())
            .as("the answer opens an array")
            .isEqualTo(JsonToken.START_ARRAY);
        int count = 0;
        Instant previous = Instant.MIN;
        long previousIndex = -1;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
          Record record = readRecord(parser);
          int n = count + 1;
          String expectedId =
              String.format("exports/2024/customer-report-%06d%s", n, EXTENSIONS[n % 3]);
          if (record.fileIndex() <= previousIndex) {
            throw new AssertionError(
                "record "
                    + count
                    + " has file_index "
                    + record.fileIndex()
                    + ", not above the one before ("
                    + previousIndex
                    + "): "
                    + record);
          }
          previousIndex = record.fileIndex();
          if (!expectedId.equals(record.fileId()) || !TYPES[n % 3].equals(record.fileType())) {
            throw new AssertionError(
                "record "
                    + count
                    + " should be "
                    + expectedId
                    + " ("
                    + TYPES[n % 3]
                    + "): "
                    + record);
          }
          if (record.createdAt() == null) {
            throw new AssertionError("record " + count + " has no created_at: " + record);
          }
          Instant createdAt = Instant.parse(record.createdAt());
          if (createdAt.isBefore(previous)) {
            throw new AssertionError(
                "record " + count + " was created before the one listed ahead of it: " + record);
          }
          previous = createdAt;
          count++;
        }
        assertThat(token)
            .as("the array closes after record " + count)
            .isEqualTo(JsonToken.END_ARRAY);
        assertThat(parser.nextToken()).as("nothing follows the array").isNull();
        return new Listing(count, parser.currentLocation().getByteOffset());
      }
    }
  }

  private record Record(long fileIndex, String fileId, String fileType, String createdAt) {}

  /**
   * The fields checked of one record; the parser is on its START_OBJECT and ends on its END_OBJECT.
   */
  private static Record readRecord(JsonParser parser) throws IOException {
    long fileIndex = -1;
    String fileId = null;
    String fileType = null;
    String createdAt = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "file_index" -> fileIndex = parser.getLongValue();
        case "file_id" -> fileId = parser.getText();
        case "file_type" -> fileType = parser.getText();
        case "created_at" -> createdAt = parser.getText();
        default -> parser.skipChildren();
      }
    }
    return new Record(fileIndex, fileId, fileType, createdAt);
  }

  /** The child's peak resident memory (VmHWM), where Linux tells it: for the run's output. */
  private static String peakRss(Process process) {
    try {
      return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
          .filter(line -> line.startsWith("VmHWM:"))
          .map(line -> line.substring("VmHWM:".length()).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static <T> HttpResponse<T> get(String path, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + API_KEY)
            .header("Accept", "application/json")
            .timeout(LISTING_TIMEOUT)
            .GET()
            .build(),
        handler);
  }
}
