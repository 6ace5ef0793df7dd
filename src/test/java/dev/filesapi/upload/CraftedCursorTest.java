package dev.filesapi.upload;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cursors are unsigned, so a client can craft one from another organization's upload (a real
 * next_cursor of A's, or base64url("micros:A's id")). Used by organization B, such a cursor only
 * moves within B's own uploads: B never sees one of A's.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class CraftedCursorTest {
  private static final long FAR_FUTURE_MICROS =
      Instant.parse("2999-12-31T23:59:59.999999Z").getEpochSecond() * 1_000_000L + 999_999L;

  private String keyA;
  private String keyB;
  private final List<String> uploadsA = new ArrayList<>();
  private String olderB;
  private String newerB;

  @BeforeEach
  void twoOrganizations() throws InterruptedException {
    keyA = Tenants.newOrganizationKey("crafted-cursor-a-" + UUID.randomUUID());
    keyB = Tenants.newOrganizationKey("crafted-cursor-b-" + UUID.randomUUID());
    // B's uploads on both sides of A's, so a cursor taken from A's falls between B's.
    olderB = initiate(keyB);
    Thread.sleep(5);
    for (int i = 0; i < 3; i++) {
      uploadsA.add(initiate(keyA));
      Thread.sleep(5);
    }
    newerB = initiate(keyB);
  }

  @Test
  void aRealCursorOfAnotherOrganizationPagesOnlyWithinTheCallersUploads() {
    JsonPath firstPageA = list(keyA, Map.of("limit", 1));
    assertThat(firstPageA.getList("uploads.upload_id")).containsExactly(uploadsA.get(2));
    String cursorA = firstPageA.getString("next_cursor");
    assertThat(cursorA).isNotBlank();

    // A's cursor stands between B's two uploads: B gets its older one and nothing of A's.
    List<String> seen = pageAll(keyB, cursorA, Map.of());
    assertThat(seen).containsExactly(olderB).doesNotContainAnyElementsOf(uploadsA);
    assertThat(pageAll(keyB, cursorA, Map.of("limit", 1))).containsExactly(olderB);
    assertThat(pageAll(keyB, cursorA, Map.of("status", "in_progress"))).containsExactly(olderB);

    // A's own paging with the same cursor is unaffected.
    assertThat(pageAll(keyA, cursorA, Map.of("limit", 1)))
        .containsExactly(uploadsA.get(1), uploadsA.get(0));
  }

  @Test
  void aHandCraftedFarFutureCursorWithAnotherOrganizationsIdShowsOnlyTheCallersUploads() {
    for (String idA : uploadsA) {
      String crafted = cursor(FAR_FUTURE_MICROS, idA);
      assertThat(pageAll(keyB, crafted, Map.of()))
          .containsExactly(newerB, olderB)
          .doesNotContainAnyElementsOf(uploadsA);
      assertThat(pageAll(keyB, crafted, Map.of("limit", 1)))
          .containsExactly(newerB, olderB)
          .doesNotContainAnyElementsOf(uploadsA);
      assertThat(pageAll(keyB, crafted, Map.of("status", "in_progress", "limit", 1000)))
          .containsExactly(newerB, olderB);
    }
  }

  @Test
  void aCursorAtExactlyAnUploadOfAnotherOrganizationShowsOnlyTheCallersOlderUploads() {
    for (String idA : uploadsA) {
      Instant createdAt = Instant.parse(UploadTestSupport.view(keyA, idA).getString("created_at"));
      long micros = createdAt.getEpochSecond() * 1_000_000L + createdAt.getNano() / 1_000;
      assertThat(pageAll(keyB, cursor(micros, idA), Map.of()))
          .containsExactly(olderB)
          .doesNotContainAnyElementsOf(uploadsA);
      // The same id with the largest id suffix and timestamp still stays within B.
      assertThat(pageAll(keyB, cursor(micros + 1, idA + "zzzz"), Map.of())).containsExactly(olderB);
    }
  }

  @Test
  void theOtherWayRoundACursorOfBsShowsAOnlyItsOwnUploads() {
    String cursorB = cursor(FAR_FUTURE_MICROS, newerB);
    assertThat(pageAll(keyA, cursorB, Map.of("limit", 2)))
        .containsExactly(uploadsA.get(2), uploadsA.get(1), uploadsA.get(0))
        .doesNotContain(olderB, newerB);
  }

  @Test
  void aCraftedCursorNeverRevealsAnotherOrganizationsUploadById() {
    for (String idA : uploadsA) {
      Response response = as(keyB).get("/v1/files/uploads/{id}", idA);
      assertThat(response.statusCode()).as(response.asString()).isEqualTo(404);
      assertThat(response.asString()).doesNotContain(keyA);
    }
  }

  /** Follows next_cursor from the given cursor until the end; returns every upload id seen. */
  private static List<String> pageAll(String key, String cursor, Map<String, Object> query) {
    List<String> ids = new ArrayList<>();
    String next = cursor;
    for (int page = 0; page < 100 && next != null; page++) {
      Map<String, Object> params = new HashMap<>(query);
      params.put("cursor", next);
      JsonPath body = list(key, params);
      ids.addAll(body.getList("uploads.upload_id", String.class));
      next = body.getString("next_cursor");
    }
    assertThat(next).as("paging ended").isNull();
    return ids;
  }

  private static JsonPath list(String key, Map<String, ?> query) {
    Response response = as(key).queryParams(query).get("/v1/files/uploads");
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    return response.jsonPath();
  }

  private static String initiate(String key) {
    return UploadTestSupport.initiate(key, UploadTestSupport.unique("cursor"), 1)
        .getString("upload_id");
  }

  private static String cursor(long micros, String uploadId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((micros + ":" + uploadId).getBytes(StandardCharsets.UTF_8));
  }
}
