package dev.filesapi.file;

import static dev.filesapi.file.FileFixtures.bytes;
import static dev.filesapi.file.FileFixtures.uniqueName;
import static dev.filesapi.support.Api.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Problems;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GET /v1/files/metadata, /metadata/{file_id} and /info. The database is shared: filter by type.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class FileMetadataTest {
  private static final String KEY = FilesTestResource.API_KEY;

  @Test
  void listsEveryFieldOfARecord() {
    String type = uniqueType();
    String name = uniqueName("fields");
    Instant before = Instant.now();
    JsonPath stored = Api.uploadFile(KEY, name, bytes("twelve bytes"), type);

    List<Map<String, Object>> records = list(Map.of("file_type", type));

    assertThat(records).hasSize(1);
    Map<String, Object> record = records.get(0);
    assertThat(record)
        .containsEntry("file_id", name)
        .containsEntry("file_uid", stored.getString("file_uid"))
        .containsEntry("is_valid", true)
        .containsEntry("file_type", type)
        .containsEntry("num_bytes", 12)
        .containsEntry("file_status", "FILE_STATUS_REGISTERED")
        .containsEntry("file_attributes", Map.of())
        .containsEntry("file_tags", List.of())
        .containsEntry("ingested", false)
        .containsKeys("file_index", "created_at");
    assertThat(record.get("file_index")).isInstanceOf(Integer.class);
    Instant createdAt = Instant.parse((String) record.get("created_at"));
    assertThat(createdAt).isBetween(before.minusSeconds(5), Instant.now().plusSeconds(5));
  }

  @Test
  void theFileTypeFilterSelectsOnlyThatType() {
    String type = uniqueType();
    String other = uniqueType();
    String first = uniqueName("typed-a");
    String second = uniqueName("typed-b");
    Api.uploadFile(KEY, first, bytes("a"), type);
    Api.uploadFile(KEY, uniqueName("other"), bytes("b"), other);
    Api.uploadFile(KEY, second, bytes("c"), type);

    assertThat(list(Map.of("file_type", type)))
        .extracting(r -> r.get("file_id"))
        .containsExactly(first, second);
    assertThat(list(Map.of())).extracting(r -> r.get("file_id")).contains(first, second);
  }

  @Test
  void shardsPartitionTheListInAStableOrder() {
    String type = uniqueType();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String name = uniqueName("shard-" + i);
      Api.uploadFile(KEY, name, bytes("shard " + i), type);
      names.add(name);
    }

    List<Map<String, Object>> shard0 = shard(type, 0, 2);
    List<Map<String, Object>> shard1 = shard(type, 1, 2);
    List<Map<String, Object>> shard2 = shard(type, 2, 2);
    List<Map<String, Object>> shard3 = shard(type, 3, 2);

    assertThat(shard0)
        .extracting(r -> r.get("file_id"))
        .containsExactly(names.get(0), names.get(1));
    assertThat(shard1)
        .extracting(r -> r.get("file_id"))
        .containsExactly(names.get(2), names.get(3));
    assertThat(shard2).extracting(r -> r.get("file_id")).containsExactly(names.get(4));
    assertThat(shard3).isEmpty();
    List<Map<String, Object>> all = new ArrayList<>(shard0);
    all.addAll(shard1);
    all.addAll(shard2);
    assertThat(all).extracting(r -> r.get("file_id")).containsExactlyElementsOf(names);
    assertThat(all)
        .extracting(r -> ((Number) r.get("file_index")).longValue())
        .isSortedAccordingTo(Long::compare)
        .doesNotHaveDuplicates();
    assertThat(list(Map.of("file_type", type))).isEqualTo(all);
    assertThat(shard(type, 1, 2)).as("asking again gives the same shard").isEqualTo(shard1);
  }

  @Test
  void oneShardOfTheWholeListIsInFileIndexOrder() {
    Api.uploadFile(KEY, uniqueName("unfiltered"), bytes("x"), "text/plain");

    List<Map<String, Object>> first =
        plain(KEY)
            .queryParam("max_items_per_shard", 1000)
            .queryParam("shard_index", 0)
            .get("/v1/files/metadata")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");

    assertThat(first).isNotEmpty();
    assertThat(first)
        .extracting(r -> ((Number) r.get("file_index")).longValue())
        .isSortedAccordingTo(Long::compare)
        .doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "max_items_per_shard={0} shard_index={1}")
  @CsvSource({
    "0, 0, max_items_per_shard",
    "1001, 0, max_items_per_shard",
    "abc, 0, max_items_per_shard",
    "-2, 0, max_items_per_shard",
    "1.5, 0, max_items_per_shard",
    "99999999999, 0, max_items_per_shard",
    "2, -2, shard_index",
    "2, x, shard_index",
    "-1, 1, shard_index"
  })
  void rejectsInvalidShards(String maxItems, String shardIndex, String field) {
    Response response =
        plain(KEY)
            .queryParam("max_items_per_shard", maxItems)
            .queryParam("shard_index", shardIndex)
            .get("/v1/files/metadata");

    Problems.validationOf(response, field);
  }

  @Test
  void getsOneRecordByANameWithSlashesAndUnicode() {
    String name = "reports/2024/ünïcode 😀 " + UUID.randomUUID() + " (final).txt";
    JsonPath stored = Api.uploadInParts(KEY, name, bytes("unicode"), "text/plain");

    JsonPath record = Api.metadata(KEY, name).then().statusCode(200).extract().jsonPath();

    assertThat(record.getString("file_id")).isEqualTo(name);
    assertThat(record.getString("file_uid")).isEqualTo(stored.getString("file_uid"));
    assertThat(record.getLong("num_bytes")).isEqualTo(7);
    assertThat(record.getString("file_status")).isEqualTo("FILE_STATUS_REGISTERED");
    assertThat(record.getBoolean("is_valid")).isTrue();
    // The same name with its slashes left as they are reaches the same record.
    plain(KEY)
        .get("/v1/files/metadata/{id}", name)
        .then()
        .statusCode(200)
        .body("file_uid", org.hamcrest.Matchers.equalTo(stored.getString("file_uid")));
  }

  @Test
  void aSimpleUploadKeepsAUnicodeFilename() {
    String name = "ünï-" + UUID.randomUUID() + " 😀.txt";

    Response response = Api.simpleUploadRawForm(KEY, name, "text/plain", bytes("unicode"));

    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    assertThat(response.jsonPath().getString("file_id")).isEqualTo(name);
    Api.metadata(KEY, name).then().statusCode(200);
  }

  @Test
  void theIndexOfOneRecordIsTheOneTheListingGivesIt() {
    String type = uniqueType();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String name = uniqueName("indexed-" + i);
      Api.uploadFile(KEY, name, bytes("x"), type);
      names.add(name);
    }

    for (Map<String, Object> listed : list(Map.of())) {
      if (names.contains(listed.get("file_id"))) {
        long single =
            Api.metadata(KEY, (String) listed.get("file_id")).jsonPath().getLong("file_index");
        assertThat(single).isEqualTo(((Number) listed.get("file_index")).longValue());
      }
    }
    for (Map<String, Object> listed : list(Map.of("file_type", type))) {
      long single =
          Api.metadata(KEY, (String) listed.get("file_id")).jsonPath().getLong("file_index");
      assertThat(single).isEqualTo(((Number) listed.get("file_index")).longValue());
    }
  }

  @Test
  void anUnknownNameIsNotFound() {
    Problems.notFound(Api.metadata(KEY, "no-such-file-" + UUID.randomUUID()));
    Problems.notFound(Api.metadata(KEY, "no/such/" + UUID.randomUUID()));
  }

  @Test
  void infoCountsExactlyWhatWasAdded() {
    JsonPath before = Api.info(KEY);
    String first = uniqueName("info-a");
    String second = uniqueName("info-b");

    Api.uploadFile(KEY, first, new byte[1000], "application/octet-stream");
    Api.uploadFile(KEY, second, new byte[234], "application/octet-stream");
    JsonPath afterTwo = Api.info(KEY);
    Api.uploadFile(KEY, first, new byte[10], "application/octet-stream");
    JsonPath afterReplace = Api.info(KEY);

    assertThat(afterTwo.getLong("num_files")).isEqualTo(before.getLong("num_files") + 2);
    assertThat(afterTwo.getLong("num_bytes")).isEqualTo(before.getLong("num_bytes") + 1234);
    assertThat(afterReplace.getLong("num_files")).isEqualTo(before.getLong("num_files") + 2);
    assertThat(afterReplace.getLong("num_bytes")).isEqualTo(before.getLong("num_bytes") + 244);
    assertThat(afterReplace.getLong("num_ingested")).isZero();
    double lastUpdated = afterReplace.getDouble("last_updated");
    double now = Instant.now().toEpochMilli() / 1000.0;
    assertThat(lastUpdated).isCloseTo(now, within((double) Duration.ofSeconds(30).toSeconds()));
    assertThat(lastUpdated).isGreaterThanOrEqualTo(afterTwo.getDouble("last_updated"));
  }

  @Test
  void lastUpdatedIsAJsonNumberOfSeconds() {
    Api.uploadFile(KEY, uniqueName("float"), bytes("x"), "text/plain");

    Object lastUpdated = Api.info(KEY).get("last_updated");

    assertThat(lastUpdated).isInstanceOf(Double.class);
    assertThat((Double) lastUpdated).isGreaterThan(1.7e9);
  }

  private static String uniqueType() {
    return "application/x-test-" + UUID.randomUUID();
  }

  private static List<Map<String, Object>> list(Map<String, Object> query) {
    return plain(KEY)
        .queryParams(query)
        .get("/v1/files/metadata")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("$");
  }

  private static List<Map<String, Object>> shard(String type, int index, int size) {
    return list(Map.of("file_type", type, "shard_index", index, "max_items_per_shard", size));
  }
}
