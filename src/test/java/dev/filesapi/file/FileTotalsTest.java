package dev.filesapi.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.ConformingHttpClient;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /files/info} reads totals that database triggers keep in the transaction of every
 * change to {@code stored_file} (slot rows per organization, summed on read). Whatever runs at
 * once, the totals equal a full count of the organization's files afterwards.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class FileTotalsTest {
  private static final int WORKERS = 8;
  private static final int OPERATIONS = 15;
  private static final int NAMES_PER_WORKER = 3;

  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build());

  @Inject DataSource dataSource;

  @Test
  void concurrentRegistrationsReplacementsAndDeletionsAddUpToAFullCount() throws Exception {
    String key = Tenants.newOrganizationKey("totals-" + UUID.randomUUID());
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<String, Integer>>> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      int worker = w;
      workers.add(pool.submit(() -> work(key, worker, start)));
    }
    start.countDown();
    Map<String, Integer> expected = new HashMap<>();
    for (Future<Map<String, Integer>> worker : workers) {
      expected.putAll(worker.get());
    }
    pool.shutdown();

    JsonPath info = Api.info(key);
    long[] counted = fullCount(Tenants.organizationOf(key));
    assertThat(counted[0]).as("files the workers left").isEqualTo(expected.size());
    assertThat(counted[1])
        .as("bytes the workers left")
        .isEqualTo(expected.values().stream().mapToLong(Integer::longValue).sum());
    assertThat(info.getLong("num_files")).as("num_files").isEqualTo(counted[0]);
    assertThat(info.getLong("num_bytes")).as("num_bytes").isEqualTo(counted[1]);
    assertThat(info.getLong("num_ingested")).isZero();
    assertThat(info.getDouble("last_updated") * 1e6)
        .as("last_updated is not before the newest registration")
        .isGreaterThanOrEqualTo((double) counted[2] - 1);
    assertThat(slots(Tenants.organizationOf(key))).isBetween(1L, 16L);
  }

  @Test
  void statementsThatChangeManyFilesAtOnceAreCountedToo() throws Exception {
    String key = Tenants.newOrganizationKey("totals-bulk-" + UUID.randomUUID());
    String organization = Tenants.organizationOf(key);
    Api.uploadFile(key, "before-the-bulk.txt", new byte[7], "text/plain");

    execute(
        """
        insert into stored_file (file_uid, organization_id, file_id, file_type, num_bytes, status,
            storage_key, backend, created_at)
        select 'fil_' || md5(o.id || n), o.id, 'bulk/' || n, 'text/plain', n, 'REGISTERED',
               'orgs/' || o.id || '/files/' || n, 's3', now()
        from (select ?::text as id) o cross join generate_series(1, 1000) as n
        """,
        organization);
    execute(
        "delete from stored_file where organization_id = ? and file_id like 'bulk/%'"
            + " and num_bytes % 3 = 0",
        organization);
    execute(
        "update stored_file set num_bytes = num_bytes * 2 where organization_id = ?"
            + " and file_id like 'bulk/%' and num_bytes % 5 = 0",
        organization);

    long[] counted = fullCount(organization);
    JsonPath info = Api.info(key);
    assertThat(counted[0]).isEqualTo(1 + 1000 - 333);
    assertThat(info.getLong("num_files")).isEqualTo(counted[0]);
    assertThat(info.getLong("num_bytes")).isEqualTo(counted[1]);
  }

  @Test
  void anOrganizationWithoutFilesHasZeroTotals() {
    String key = Tenants.newOrganizationKey("totals-empty-" + UUID.randomUUID());

    JsonPath info = Api.info(key);

    assertThat(info.getLong("num_files")).isZero();
    assertThat(info.getLong("num_bytes")).isZero();
    assertThat(info.getDouble("last_updated")).isZero();
  }

  @Test
  void aDeletionCountsAsAnUpdate() throws Exception {
    String key = Tenants.newOrganizationKey("totals-delete-" + UUID.randomUUID());
    Api.uploadFile(key, "short-lived.txt", new byte[3], "text/plain");
    double registered = Api.info(key).getDouble("last_updated");
    Thread.sleep(20);

    Api.delete(key, "short-lived.txt").then().statusCode(200);

    JsonPath info = Api.info(key);
    assertThat(info.getLong("num_files")).isZero();
    assertThat(info.getLong("num_bytes")).isZero();
    assertThat(info.getDouble("last_updated")).isGreaterThan(registered);
  }

  /**
   * One worker: its own names (so its replacements and deletions of a name are in order), each
   * operation a simple upload, an upload in parts, or a deletion. Returns the sizes it left.
   */
  private static Map<String, Integer> work(String key, int worker, CountDownLatch start)
      throws Exception {
    Random random = new Random(worker);
    Map<String, Integer> left = new HashMap<>();
    start.await();
    for (int i = 0; i < OPERATIONS; i++) {
      String name = "totals/w" + worker + "-" + random.nextInt(NAMES_PER_WORKER) + ".bin";
      int size = 1 + random.nextInt(4000);
      switch (random.nextInt(4)) {
        case 0 -> {
          if (left.containsKey(name)) {
            require(send(key, delete(name)), 200);
            left.remove(name);
          }
        }
        case 1 -> {
          uploadInParts(key, name, size);
          left.put(name, size);
        }
        default -> {
          require(send(key, simpleUpload(name, size)), 200);
          left.put(name, size);
        }
      }
    }
    return left;
  }

  private static HttpRequest.Builder simpleUpload(String name, int size) {
    String boundary = "totals-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(new byte[size]);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(uri("/v1/files"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
  }

  private static HttpRequest.Builder delete(String name) {
    return HttpRequest.newBuilder(
            uri("/v1/files/delete/" + URLEncoder.encode(name, StandardCharsets.UTF_8)))
        .DELETE();
  }

  private static void uploadInParts(String key, String name, int size) throws Exception {
    JsonPath initiated =
        new JsonPath(
            require(
                send(
                    key,
                    json(
                        "/v1/files/uploads/initiate",
                        "{\"filename\":\""
                            + name
                            + "\",\"file_type\":\"application/octet-stream\",\"num_bytes\":"
                            + size
                            + "}")),
                200));
    HttpResponse<String> put =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(initiated.getString("parts[0].url")))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[size]))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    String etag = put.headers().firstValue("ETag").orElseThrow().replace("\"", "");
    require(
        send(
            key,
            json(
                "/v1/files/uploads/" + initiated.getString("upload_id") + "/complete",
                "{\"parts\":[{\"part_number\":0,\"part_token\":\"" + etag + "\"}]}")),
        200);
  }

  private static HttpRequest.Builder json(String path, String body) {
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpResponse<String> send(String key, HttpRequest.Builder request)
      throws Exception {
    return HTTP.send(
        request.header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String require(HttpResponse<String> response, int status) {
    assertThat(response.statusCode())
        .as(response.request().method() + " " + response.uri() + ": " + response.body())
        .isEqualTo(status);
    return response.body();
  }

  private static URI uri(String path) {
    return URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
  }

  /** Files, bytes and the newest created_at (Unix microseconds) of the organization, counted. */
  private long[] fullCount(String organization) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement count =
            connection.prepareStatement(
                "select count(*), coalesce(sum(num_bytes), 0),"
                    + " coalesce((extract(epoch from max(created_at)) * 1000000)::bigint, 0)"
                    + " from stored_file where organization_id = ?")) {
      count.setString(1, organization);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return new long[] {row.getLong(1), row.getLong(2), row.getLong(3)};
      }
    }
  }

  private long slots(String organization) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement count =
            connection.prepareStatement(
                "select count(*) from file_totals where organization_id = ?")) {
      count.setString(1, organization);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private void execute(String sql, String organization) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, organization);
      statement.executeUpdate();
    }
  }
}
