package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.support.Problems.validation;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.abort;
import static dev.filesapi.upload.UploadTestSupport.assertUnchanged;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.post;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /files/uploads/{id}/parts/urls: its shape and every documented error. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class PartUrlsErrorsTest {
  /** 10 MiB + 1 byte: three parts of 5 MiB, 5 MiB and 1 byte. */
  private static final long THREE_PARTS = 10L * MIB + 1;

  private static Response urls(String uploadId, Object partNumbers) {
    return post("/parts/urls", uploadId, Map.of("part_numbers", partNumbers));
  }

  @Test
  void answersInTheSameLengthAndOrderAndDuplicatesShareOneUrl() {
    String uploadId = initiate(unique("urls"), THREE_PARTS).getString("upload_id");
    Response response = urls(uploadId, List.of(2, 0, 2));
    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    List<Map<String, Object>> parts = response.jsonPath().getList("parts");
    assertThat(parts).hasSize(3);
    assertThat(parts).extracting(p -> p.get("part_number")).containsExactly(2, 0, 2);
    assertThat(parts.get(0).get("url")).isEqualTo(parts.get(2).get("url"));
    assertThat(parts.get(0).get("url")).isNotEqualTo(parts.get(1).get("url"));
    assertThat(((Number) parts.get(0).get("offset")).longValue()).isEqualTo(10L * MIB);
    assertThat(((Number) parts.get(0).get("length")).longValue()).isEqualTo(1);
    assertThat(((Number) parts.get(1).get("offset")).longValue()).isZero();
    assertThat(((Number) parts.get(1).get("length")).longValue()).isEqualTo(5L * MIB);
    for (Map<String, Object> part : parts) {
      assertThat((String) part.get("url")).startsWith("http");
      Instant expires = Instant.parse((String) part.get("expires_at"));
      assertThat(expires).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
      assertThat(expires).isBefore(Instant.now().plus(Duration.ofMinutes(70)));
    }
    assertThat(parts.get(0).get("expires_at")).isEqualTo(parts.get(2).get("expires_at"));
    abort(uploadId);
  }

  @Test
  void manyPartsInAnyOrder() {
    String uploadId = initiate(unique("urls-many"), THREE_PARTS).getString("upload_id");
    List<Integer> requested = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      requested.add((i * 7) % 3);
    }
    Response response = urls(uploadId, requested);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.jsonPath().getList("parts.part_number", Integer.class))
        .isEqualTo(requested);
    abort(uploadId);
  }

  @Test
  void outOfRangeNumbersAre400() {
    String uploadId = initiate(unique("urls-range"), THREE_PARTS).getString("upload_id");
    validation(urls(uploadId, List.of(-1)), "part_numbers[0]");
    validation(urls(uploadId, List.of(3)), "part_numbers[0]");
    validation(urls(uploadId, List.of(0, 1, 3)), "part_numbers[2]");
    validation(urls(uploadId, List.of(Integer.MAX_VALUE)), "part_numbers[0]");
    validation(urls(uploadId, List.of(Integer.MIN_VALUE)), "part_numbers[0]");
    assertUnchanged(uploadId);
    abort(uploadId);
  }

  @Test
  void emptyMissingOrNonNumericListsAre400() {
    String uploadId = initiate(unique("urls-empty"), THREE_PARTS).getString("upload_id");
    validation(urls(uploadId, List.of()), "part_numbers");
    validation(post("/parts/urls", uploadId, Map.of()), "part_numbers");
    validation(post("/parts/urls", uploadId, "{\"part_numbers\":null}"), "part_numbers");
    validation(post("/parts/urls", uploadId, "{\"part_numbers\":[0,null]}"), "part_numbers[1]");
    validation(post("/parts/urls", uploadId, "{\"part_numbers\":[\"abc\"]}"), "part_numbers[0]");
    validation(post("/parts/urls", uploadId, "{\"part_numbers\":[1e20]}"), "part_numbers[0]");
    validation(post("/parts/urls", uploadId, "{\"part_numbers\":5}"), "part_numbers");
    problem(post("/parts/urls", uploadId, "{\"part_numbers\":[0,"), 400, "malformed_json");
    assertUnchanged(uploadId);
    abort(uploadId);
  }

  @Test
  void tooManyNumbersAre400() {
    String uploadId = initiate(unique("urls-many"), THREE_PARTS).getString("upload_id");
    Integer[] numbers = new Integer[10_001];
    Arrays.fill(numbers, 0);
    validation(urls(uploadId, List.of(numbers)), "part_numbers");
    abort(uploadId);
  }

  @Test
  void unknownUploadIs404() {
    problem(urls("upl_00000000000000000000000000", List.of(0)), 404, "not_found");
    problem(urls("nonsense", List.of(0)), 404, "not_found");
    problem(urls("x".repeat(2000), List.of(0)), 404, "not_found");
  }

  @Test
  void abortedUploadIs409() {
    String uploadId = initiate(unique("urls-aborted"), THREE_PARTS).getString("upload_id");
    abort(uploadId);
    problem(urls(uploadId, List.of(0)), 409, "upload_not_in_progress");
    assertThat(UploadTestSupport.view(uploadId).getString("status")).isEqualTo("aborted");
  }
}
