package dev.filesapi.tenancy.admin;

import static dev.filesapi.tenancy.admin.AdminApiTest.admin;
import static dev.filesapi.tenancy.admin.AdminApiTest.createKey;
import static dev.filesapi.tenancy.admin.AdminApiTest.createOrganization;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.problem.Problem;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Operators' per-organization limits: uploads in progress (429) and file size (413). */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class QuotaTest {
  private static final long MIB = 1024 * 1024;

  @TestHTTPResource("/")
  URL root;

  private static String organizationWithQuotas(int maxInProgress, long maxFileBytes) {
    String organizationId = createOrganization("quota-" + UUID.randomUUID());
    admin()
        .body(Map.of("max_in_progress_uploads", maxInProgress, "max_file_bytes", maxFileBytes))
        .put("/v1/admin/organizations/{id}/quotas", organizationId)
        .then()
        .statusCode(200)
        .body("max_in_progress_uploads", equalTo(maxInProgress))
        .body("max_file_bytes", equalTo((int) maxFileBytes));
    return createKey(organizationId).getString("key");
  }

  @Test
  void inProgressLimitIs429UntilAnUploadFinishes() {
    String key = organizationWithQuotas(2, 100 * MIB);
    String first =
        Api.initiate(key, "one", 10, false).then().statusCode(200).extract().path("upload_id");
    Api.initiate(key, "two", 10, false).then().statusCode(200);

    var refused = Api.initiate(key, "three", 10, false);
    refused
        .then()
        .statusCode(429)
        .contentType(Problem.MEDIA_TYPE)
        .body("code", equalTo("too_many_uploads"));
    assertThat(refused.getHeader("Retry-After")).isNotBlank();

    // Resuming an upload that exists needs no new slot.
    Api.initiate(key, "two", 10, true).then().statusCode(200).body("is_resume", equalTo(true));

    Api.as(key).post("/v1/files/uploads/{id}/abort", first).then().statusCode(200);
    Api.initiate(key, "three", 10, false).then().statusCode(200);
  }

  @Test
  void fileSizeLimitIs413ForInitiateAndSimpleUpload() throws Exception {
    String key = organizationWithQuotas(10, 64);
    Api.initiate(key, "fits", 64, false).then().statusCode(200);
    Api.initiate(key, "too-big", 65, false)
        .then()
        .statusCode(413)
        .contentType(Problem.MEDIA_TYPE)
        .body("code", equalTo("file_too_large"));

    HttpResponse<String> small =
        Api.local(key).simpleUpload("small.txt", "text/plain", new byte[64]);
    assertThat(small.statusCode()).isEqualTo(200);
    HttpResponse<String> big = Api.local(key).simpleUpload("big.txt", "text/plain", new byte[65]);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.body()).contains("\"code\":\"file_too_large\"");
    Api.as(key).get("/v1/files/metadata/big.txt").then().statusCode(404);
  }

  @Test
  void concurrentInitiatesNeverExceedTheLimit() throws Exception {
    String key = organizationWithQuotas(3, 100 * MIB);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String name = "race-" + i;
        calls.add(() -> Api.initiate(key, name, 10, false).statusCode());
      }
      Map<Integer, Integer> byStatus = new HashMap<>();
      for (Future<Integer> result : pool.invokeAll(calls)) {
        byStatus.merge(result.get(), 1, Integer::sum);
      }
      assertThat(byStatus).containsEntry(200, 3).containsEntry(429, 7);
    } finally {
      pool.shutdownNow();
    }
    Api.as(key)
        .get("/v1/files/uploads?status=in_progress")
        .then()
        .statusCode(200)
        .body("uploads.size()", equalTo(3));
  }

  @Test
  void nullQuotasRestoreTheDefaults() {
    String organizationId = createOrganization("defaults-" + UUID.randomUUID());
    admin()
        .body(Map.of("max_in_progress_uploads", 5))
        .put("/v1/admin/organizations/{id}/quotas", organizationId)
        .then()
        .statusCode(200)
        .body("max_in_progress_uploads", equalTo(5))
        .body("max_file_bytes", equalTo(250_000_000_000L));
    admin()
        .body("{}")
        .put("/v1/admin/organizations/{id}/quotas", organizationId)
        .then()
        .statusCode(200)
        .body("max_in_progress_uploads", equalTo(1000));
  }
}
