package dev.filesapi.upload;

import static dev.filesapi.support.Api.as;
import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.support.Problems.validation;
import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.abort;
import static dev.filesapi.upload.UploadTestSupport.checkpoint;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.token;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static dev.filesapi.upload.UploadTestSupport.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GET /files/uploads/{id} and GET /files/uploads: fields, paging, filters and their errors. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UploadReadSideTest {
  private static final String LIST = "/v1/files/uploads";

  private static Response list(String apiKey, Map<String, ?> query) {
    return as(apiKey).queryParams(query).get(LIST);
  }

  /** Follows next_cursor from the first page to the last; returns every upload seen in order. */
  private static List<Map<String, Object>> listAll(
      String apiKey, Map<String, String> query, int limit) {
    List<Map<String, Object>> seen = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 10_000; page++) {
      Map<String, Object> params = new java.util.HashMap<>(query);
      params.put("limit", limit);
      if (cursor != null) {
        params.put("cursor", cursor);
      }
      Response response = as(apiKey).queryParams(params).get(LIST);
      assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
      List<Map<String, Object>> uploads = response.jsonPath().getList("uploads");
      assertThat(uploads.size()).isLessThanOrEqualTo(limit);
      seen.addAll(uploads);
      cursor = response.jsonPath().getString("next_cursor");
      if (cursor == null) {
        return seen;
      }
      assertThat(uploads).hasSize(limit);
    }
    throw new AssertionError("paging did not end");
  }

  @Test
  void getShowsEveryField() {
    String filename = unique("read-get");
    JsonPath initiated = initiate(filename, 10L * MIB + 1);
    String uploadId = initiated.getString("upload_id");
    checkpoint(uploadId, token(2, "\"cc\""), token(0, "\"aa\"")).then().statusCode(200);

    Response response = as(KEY).get(LIST + "/{id}", uploadId);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    JsonPath view = response.jsonPath();
    assertThat(view.getString("upload_id")).isEqualTo(uploadId);
    assertThat(view.getString("file_uid")).isEqualTo(initiated.getString("file_uid"));
    assertThat(view.getString("file_name")).isEqualTo(filename);
    assertThat(view.getLong("total_bytes")).isEqualTo(10L * MIB + 1);
    assertThat(view.getInt("num_parts")).isEqualTo(3);
    assertThat(view.getLong("part_size")).isEqualTo(5L * MIB);
    assertThat(view.getString("integrity_algorithm")).isEqualTo("none");
    assertThat(view.getString("status")).isEqualTo("in_progress");
    assertThat(view.getList("checkpointed_parts", Integer.class)).containsExactly(0, 2);
    Instant created = Instant.parse(view.getString("created_at"));
    Instant expires = Instant.parse(view.getString("expires_at"));
    assertThat(created)
        .isBetween(Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plusSeconds(5));
    assertThat(Duration.between(created, expires)).isEqualTo(Duration.ofDays(7));
    assertThat(expires).isEqualTo(Instant.parse(initiated.getString("expires_at")));
    assertThat(view.getMap("$")).doesNotContainKeys("parts", "url");
    abort(uploadId);
  }

  @Test
  void getOfAnUnknownOrMalformedIdIs404() {
    problem(as(KEY).get(LIST + "/{id}", "upl_00000000000000000000000000"), 404, "not_found");
    problem(as(KEY).get(LIST + "/{id}", "fil_00000000000000000000000000"), 404, "not_found");
    problem(as(KEY).get(LIST + "/{id}", "x".repeat(3000)), 404, "not_found");
    problem(as(KEY).get(LIST + "/{id}", "upl_%00"), 404, "not_found");
    problem(as(KEY).urlEncodingEnabled(false).get(LIST + "/upl_%00"), 404, "not_found");
  }

  @Test
  void listsNewestFirstAcrossCursorPages() {
    String prefix = "errors-page-" + UUID.randomUUID() + "-";
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(initiate(prefix + i, 100 + i).getString("upload_id"));
    }
    List<Map<String, Object>> all = listAll(KEY, Map.of(), 2);
    List<String> ids = all.stream().map(u -> (String) u.get("upload_id")).toList();
    assertThat(new HashSet<>(ids)).as("no upload appears twice").hasSize(ids.size());
    List<String> mine =
        all.stream()
            .filter(u -> ((String) u.get("file_name")).startsWith(prefix))
            .map(u -> (String) u.get("upload_id"))
            .toList();
    List<String> newestFirst = new ArrayList<>(created);
    java.util.Collections.reverse(newestFirst);
    assertThat(mine).containsExactlyElementsOf(newestFirst);
    List<Instant> times =
        all.stream().map(u -> Instant.parse((String) u.get("created_at"))).toList();
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i)).isBeforeOrEqualTo(times.get(i - 1));
    }
    created.forEach(UploadTestSupport::abort);
  }

  @Test
  void pagesOfAFreshOrganizationAreExact() {
    String key = Tenants.newOrganizationKey("paging-" + UUID.randomUUID());
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(initiate(key, unique("fresh-" + i), 100).getString("upload_id"));
    }
    JsonPath first = list(key, Map.of("limit", 2)).then().statusCode(200).extract().jsonPath();
    assertThat(first.getList("uploads.upload_id", String.class))
        .containsExactly(created.get(4), created.get(3));
    JsonPath second =
        list(key, Map.of("limit", 2, "cursor", first.getString("next_cursor")))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(second.getList("uploads.upload_id", String.class))
        .containsExactly(created.get(2), created.get(1));
    JsonPath third =
        list(key, Map.of("limit", 2, "cursor", second.getString("next_cursor")))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(third.getList("uploads.upload_id", String.class)).containsExactly(created.get(0));
    assertThat(third.getString("next_cursor")).isNull();
    assertThat(third.getMap("$")).containsKey("next_cursor");

    // Exactly a full page: no next cursor promised beyond the data.
    JsonPath whole = list(key, Map.of("limit", 5)).then().statusCode(200).extract().jsonPath();
    assertThat(whole.getList("uploads")).hasSize(5);
    assertThat(whole.getString("next_cursor")).isNull();
    // Default limit.
    assertThat(list(key, Map.of()).jsonPath().getList("uploads")).hasSize(5);
  }

  @Test
  void filtersByStatus() {
    String key = Tenants.newOrganizationKey("status-" + UUID.randomUUID());
    String open = initiate(key, unique("open"), 100).getString("upload_id");
    String aborted = initiate(key, unique("aborted"), 100).getString("upload_id");
    as(key).post(LIST + "/{id}/abort", aborted).then().statusCode(200);

    JsonPath inProgress = list(key, Map.of("status", "in_progress")).jsonPath();
    assertThat(inProgress.getList("uploads.upload_id", String.class)).containsExactly(open);
    assertThat(inProgress.getList("uploads.status", String.class)).containsOnly("in_progress");
    JsonPath abortedPage = list(key, Map.of("status", "aborted")).jsonPath();
    assertThat(abortedPage.getList("uploads.upload_id", String.class)).containsExactly(aborted);
    assertThat(list(key, Map.of("status", "completed")).jsonPath().getList("uploads")).isEmpty();
    assertThat(list(key, Map.of("status", "")).jsonPath().getList("uploads")).hasSize(2);

    // In the shared organization every filtered page holds only that status.
    String mine = initiate(unique("status-shared"), 100).getString("upload_id");
    abort(mine);
    List<Map<String, Object>> all = listAll(KEY, Map.of("status", "aborted"), 1000);
    assertThat(all).extracting(u -> u.get("status")).containsOnly("aborted");
    assertThat(all).extracting(u -> u.get("upload_id")).contains(mine);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1001", "abc", "-1", "1.5", "99999999999", " "})
  void badLimitIs400(String limit) {
    validation(list(KEY, Map.of("limit", limit)), "limit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"done", "IN_PROGRESS", "in_progress,aborted", "null"})
  void badStatusIs400(String status) {
    validation(list(KEY, Map.of("status", status)), "status");
  }

  @Test
  void garbageCursorsAre400() {
    for (String cursor :
        List.of(
            "garbage",
            "!!!",
            "a".repeat(500),
            b64("123"),
            b64("abc:upl_x"),
            b64("123:fil_x"),
            b64("99999999999999999999:upl_x"),
            b64("123:upl_a\u0000b"))) {
      JsonPath problem = problem(list(KEY, Map.of("cursor", cursor)), 400, "invalid_cursor");
      assertThat(problem.getList("errors.field")).containsExactly("cursor");
    }
  }

  @Test
  void aCursorOfAnotherOrganizationShowsOnlyTheCallersUploads() {
    String keyA = Tenants.newOrganizationKey("cursor-a-" + UUID.randomUUID());
    String keyB = Tenants.newOrganizationKey("cursor-b-" + UUID.randomUUID());
    // B's upload is the oldest, so A's cursor position does not hide it by time alone.
    String onlyB = initiate(keyB, unique("cursor-b"), 10).getString("upload_id");
    for (int i = 0; i < 3; i++) {
      initiate(keyA, unique("cursor-a"), 10);
    }
    String cursorOfA = list(keyA, Map.of("limit", 1)).jsonPath().getString("next_cursor");
    assertThat(cursorOfA).isNotNull();
    JsonPath asB =
        list(keyB, Map.of("cursor", cursorOfA)).then().statusCode(200).extract().jsonPath();
    assertThat(asB.getList("uploads.upload_id", String.class)).containsOnly(onlyB);
  }

  private static String b64(String raw) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }
}
