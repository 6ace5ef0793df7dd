package dev.filesapi.uppy;

import static dev.filesapi.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import dev.filesapi.tenancy.admin.OrganizationAdmin;
import dev.filesapi.tenancy.admin.OrganizationRequest;
import dev.filesapi.upload.Upload;
import dev.filesapi.upload.UploadStatus;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Companion's S3 routes as {@code @uppy/aws-s3} calls them (shapes of Companion 6.2.2's s3
 * controller), over real PostgreSQL and S3Proxy: each route's status and body, 1-based part
 * numbers, the size learned at complete, tenancy, quota at complete, upload tokens.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UppyS3RoutesTest {
  private static final int MIB = 1024 * 1024;

  @Inject DataSource dataSource;
  @Inject StorageBackend storage;

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static JsonPath create(RequestSpecification as, String filename) {
    return as.body(
            Map.of(
                "filename",
                filename,
                "type",
                "application/octet-stream",
                "metadata",
                Map.of("name", filename, "relativePath", "")))
        .post("/v1/uppy/s3/multipart")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** PUTs parts of {@code size} bytes through the per-part route; returns Companion parts. */
  private static List<Map<String, Object>> putParts(
      String apiKey, String uploadId, String key, byte[] content, int size) {
    List<Map<String, Object>> parts = new ArrayList<>();
    for (int offset = 0, n = 1; offset < content.length; offset += size, n++) {
      String url =
          as(apiKey)
              .queryParam("key", key)
              .get("/v1/uppy/s3/multipart/{id}/{n}", uploadId, n)
              .then()
              .statusCode(200)
              .extract()
              .path("url");
      String etag = Api.put(url, content, offset, Math.min(offset + size, content.length));
      // @uppy/aws-s3 strips the quotes from the ETag it sends back.
      parts.add(Map.of("PartNumber", n, "ETag", etag.replace("\"", "")));
    }
    return parts;
  }

  @Test
  void aFileGoesThroughEveryRouteAndIsAnOrdinaryFile() throws Exception {
    byte[] content = random(12 * MIB + 17, 1);
    String filename = "uppy/holiday photo.bin";
    JsonPath created = create(Api.api(), filename);
    String uploadId = created.getString("uploadId");
    String key = created.getString("key");
    assertThat(uploadId).startsWith("upl_");
    assertThat(key).startsWith("fil_");

    // The upload as the existing read side shows it: no size yet.
    JsonPath view =
        Api.api()
            .get("/v1/files/uploads/{id}", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(view.getString("status")).isEqualTo("in_progress");
    assertThat(view.getMap("")).doesNotContainKeys("total_bytes", "num_parts", "part_size");

    // Single sign: {url, expires}; batch: {presignedUrls} keyed by the numbers as given.
    JsonPath one =
        Api.api()
            .queryParam("key", key)
            .get("/v1/uppy/s3/multipart/{id}/1", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(one.getString("url")).contains("partNumber=1").contains("uploadId=");
    assertThat(one.getLong("expires")).isEqualTo(3600);
    Map<String, String> batch =
        Api.api()
            .queryParam("key", key)
            .queryParam("partNumbers", "1,2,3")
            .get("/v1/uppy/s3/multipart/{id}/batch", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .path("presignedUrls");
    assertThat(batch).containsOnlyKeys("1", "2", "3");
    assertThat(batch.get("3")).contains("partNumber=3");

    // Parts of the client's choosing (5 MiB, 5 MiB, 2 MiB + 17), listed from the store.
    List<Map<String, Object>> parts =
        putParts(FilesTestResource.API_KEY, uploadId, key, content, 5 * MIB);
    List<Map<String, Object>> listed =
        Api.api()
            .queryParam("key", key)
            .get("/v1/uppy/s3/multipart/{id}", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("");
    assertThat(listed).extracting(p -> p.get("PartNumber")).containsExactly(1, 2, 3);
    assertThat(listed)
        .extracting(p -> p.get("Size"))
        .containsExactly(5 * MIB, 5 * MIB, 2 * MIB + 17);
    assertThat(listed.get(0).get("ETag").toString().replace("\"", ""))
        .isEqualTo(parts.get(0).get("ETag"));

    JsonPath done =
        Api.api()
            .queryParam("key", key)
            .body(Map.of("parts", parts))
            .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(done.getString("location"))
        .endsWith("/v1/files/download/uppy%2Fholiday%20photo.bin");
    assertThat(done.getString("key")).isEqualTo(key);
    assertThat(done.getLong("num_bytes")).isEqualTo(content.length);

    // Completing again answers the same file.
    Api.api()
        .queryParam("key", key)
        .body(Map.of("parts", parts))
        .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
        .then()
        .statusCode(200)
        .body("key", equalTo(key));

    // A client that lost the complete's answer resumes as @uppy/aws-s3 does: it lists the parts
    // (the store's multipart upload is gone), finds every one, and completes with what it found.
    List<Map<String, Object>> relisted =
        Api.api()
            .queryParam("key", key)
            .get("/v1/uppy/s3/multipart/{id}", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("");
    assertThat(relisted).extracting(p -> p.get("PartNumber")).containsExactly(1, 2, 3);
    assertThat(relisted).allSatisfy(p -> assertThat(p).doesNotContainKey("Size"));
    List<Map<String, Object>> found =
        relisted.stream()
            .map(
                p ->
                    Map.<String, Object>of(
                        "PartNumber", p.get("PartNumber"), "ETag", p.get("ETag")))
            .toList();
    Api.api()
        .queryParam("key", key)
        .body(Map.of("parts", found))
        .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
        .then()
        .statusCode(200)
        .body("key", equalTo(key));

    // An ordinary file: its upload sized, listed, downloadable byte for byte, announced, deletable.
    JsonPath after =
        Api.api()
            .get("/v1/files/uploads/{id}", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getLong("total_bytes")).isEqualTo(content.length);
    assertThat(after.getInt("num_parts")).isEqualTo(3);
    Api.api()
        .get("/v1/files/metadata/{id}", filename)
        .then()
        .statusCode(200)
        .body("file_uid", equalTo(key))
        .body("num_bytes", equalTo(content.length));
    String download =
        Api.api()
            .redirects()
            .follow(false)
            .get("/v1/files/download/{id}", filename)
            .then()
            .statusCode(302)
            .extract()
            .header("Location");
    HttpResponse<byte[]> bytes = Api.get(download);
    assertThat(Arrays.equals(bytes.body(), content)).isTrue();
    assertThat(eventTypes(uploadId)).contains("upload.initiated", "upload.completed");
    Api.api().delete("/v1/files/delete/{id}", filename).then().statusCode(200);
  }

  /**
   * Uppy's Retry while the service is still completing (the pre-complete hook, say), after the
   * store assembled the object: S3Proxy then lists the finished upload as one without parts (where
   * S3 answers NoSuchUpload). The object at the upload's key tells: every part is listed as
   * assembled, and the complete sent with them registers the file.
   */
  @Test
  void aRetryWhileCompletingAfterTheStoreAssembledFindsEveryPart() throws Exception {
    byte[] content = random(6 * MIB + 5, 2);
    String filename = "uppy/retried while completing.bin";
    JsonPath created = create(Api.api(), filename);
    String uploadId = created.getString("uploadId");
    String key = created.getString("key");
    List<Map<String, Object>> parts =
        putParts(FilesTestResource.API_KEY, uploadId, key, content, 5 * MIB);
    // What a complete left behind once the store had assembled the object: the upload sized and
    // completing (its request and work gone, no lease held), the object at its key.
    Upload upload =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Upload found = Upload.findById(uploadId);
                  found.numBytes = content.length;
                  found.numParts = 2;
                  found.status = UploadStatus.COMPLETING;
                  return found;
                });
    storage.complete(
        upload.storageKey,
        upload.backendUploadId,
        List.of(
            new PartToken(0, (String) parts.get(0).get("ETag")),
            new PartToken(1, (String) parts.get(1).get("ETag"))));

    List<Map<String, Object>> listed =
        Api.api()
            .queryParam("key", key)
            .get("/v1/uppy/s3/multipart/{id}", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("");
    assertThat(listed)
        .extracting(p -> p.get("PartNumber"), p -> p.get("ETag"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "assembled"),
            org.assertj.core.groups.Tuple.tuple(2, "assembled"));

    Api.api()
        .queryParam("key", key)
        .body(
            Map.of(
                "parts",
                List.of(
                    Map.of("PartNumber", 1, "ETag", "assembled"),
                    Map.of("PartNumber", 2, "ETag", "assembled"))))
        .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
        .then()
        .statusCode(200)
        .body("key", equalTo(key));
    Api.api()
        .get("/v1/files/metadata/{id}", filename)
        .then()
        .statusCode(200)
        .body("num_bytes", equalTo(content.length));
  }

  @Test
  void abortAnswersAnEmptyObjectAndAbortsTheUpload() {
    JsonPath created = create(Api.api(), "uppy/cancelled.bin");
    String uploadId = created.getString("uploadId");
    String key = created.getString("key");
    putParts(FilesTestResource.API_KEY, uploadId, key, random(1024, 2), 5 * MIB);
    Api.api()
        .queryParam("key", key)
        .delete("/v1/uppy/s3/multipart/{id}", uploadId)
        .then()
        .statusCode(200)
        .body(equalTo("{}"));
    Api.api()
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .body("status", equalTo("aborted"));
    // Again is 200; signing afterwards is refused.
    Api.api()
        .queryParam("key", key)
        .delete("/v1/uppy/s3/multipart/{id}", uploadId)
        .then()
        .statusCode(200);
    Api.api()
        .queryParam("key", key)
        .get("/v1/uppy/s3/multipart/{id}/1", uploadId)
        .then()
        .statusCode(409)
        .body("code", equalTo("upload_not_in_progress"));
  }

  @Test
  void anotherOrganizationsUploadOrAKeyNotTheUploadsIsNotFound() {
    JsonPath created = create(Api.api(), "uppy/private.bin");
    String uploadId = created.getString("uploadId");
    String key = created.getString("key");
    String stranger = Tenants.newOrganizationKey("uppy-stranger");
    for (RequestSpecification spec :
        List.of(as(stranger).queryParam("key", key), Api.api().queryParam("key", "fil_other"))) {
      spec.get("/v1/uppy/s3/multipart/{id}/1", uploadId).then().statusCode(404);
    }
    // The stranger's answer is an unknown id's: nothing tells that the upload exists.
    String unknown = "upl_" + "0".repeat(26);
    JsonPath forStranger =
        as(stranger)
            .queryParam("key", key)
            .get("/v1/uppy/s3/multipart/{id}/1", uploadId)
            .then()
            .statusCode(404)
            .extract()
            .jsonPath();
    JsonPath forUnknown =
        as(stranger)
            .queryParam("key", key)
            .get("/v1/uppy/s3/multipart/{id}/1", unknown)
            .then()
            .statusCode(404)
            .extract()
            .jsonPath();
    assertThat(forStranger.getString("code")).isEqualTo("not_found");
    assertThat(forStranger.getString("detail").replace(uploadId, "ID"))
        .isEqualTo(forUnknown.getString("detail").replace(unknown, "ID"));
    as(stranger)
        .queryParam("key", key)
        .get("/v1/uppy/s3/multipart/{id}", uploadId)
        .then()
        .statusCode(404);
    as(stranger)
        .queryParam("key", key)
        .queryParam("partNumbers", "1")
        .get("/v1/uppy/s3/multipart/{id}/batch", uploadId)
        .then()
        .statusCode(404);
    as(stranger)
        .queryParam("key", key)
        .body(Map.of("parts", List.of(Map.of("PartNumber", 1, "ETag", "x"))))
        .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
        .then()
        .statusCode(404);
    as(stranger)
        .queryParam("key", key)
        .delete("/v1/uppy/s3/multipart/{id}", uploadId)
        .then()
        .statusCode(404);
    Api.api()
        .queryParam("key", "fil_other")
        .delete("/v1/uppy/s3/multipart/{id}", uploadId)
        .then()
        .statusCode(404);
    // Untouched by all of that.
    Api.api()
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .body("status", equalTo("in_progress"));
  }

  @Test
  void maxFileBytesIsEnforcedAtCompleteAndTheUploadAborted() {
    OrganizationAdmin admin = Arc.container().instance(OrganizationAdmin.class).get();
    String organizationId =
        admin.create(new OrganizationRequest("uppy-small", null, 6L * MIB)).id();
    String apiKey = admin.createKey(organizationId, "test").key();
    JsonPath created = create(as(apiKey), "uppy/too-big.bin");
    String uploadId = created.getString("uploadId");
    String key = created.getString("key");
    List<Map<String, Object>> parts =
        putParts(apiKey, uploadId, key, random(6 * MIB + 1, 3), 5 * MIB);
    as(apiKey)
        .queryParam("key", key)
        .body(Map.of("parts", parts))
        .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
        .then()
        .statusCode(413)
        .body("code", equalTo("file_too_large"));
    as(apiKey)
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .body("status", equalTo("aborted"));
    as(apiKey).get("/v1/files/metadata/{id}", "uppy/too-big.bin").then().statusCode(404);
  }

  @Test
  void clientMistakesAreCompanionsFourHundreds() {
    JsonPath created = create(Api.api(), "uppy/mistakes.bin");
    String uploadId = created.getString("uploadId");
    String key = created.getString("key");
    Api.api().body(Map.of("type", "a/b")).post("/v1/uppy/s3/multipart").then().statusCode(400);
    Api.api()
        .body(Map.of("filename", "x", "type", 7))
        .post("/v1/uppy/s3/multipart")
        .then()
        .statusCode(400);
    Api.api().get("/v1/uppy/s3/multipart/{id}/1", uploadId).then().statusCode(400);
    for (String n : List.of("0", "10001", "abc")) {
      Api.api()
          .queryParam("key", key)
          .get("/v1/uppy/s3/multipart/{id}/{n}", uploadId, n)
          .then()
          .statusCode(400)
          .body("code", equalTo("validation_failed"));
    }
    Api.api()
        .queryParam("key", key)
        .queryParam("partNumbers", "1,,2")
        .get("/v1/uppy/s3/multipart/{id}/batch", uploadId)
        .then()
        .statusCode(400);
    Api.api()
        .queryParam("key", key)
        .body(Map.of("parts", List.of(Map.of("PartNumber", 2, "ETag", "abc"))))
        .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"));
    Api.api()
        .queryParam("key", key)
        .body(Map.of("parts", List.of(Map.of("PartNumber", 1, "ETag", "abc"))))
        .post("/v1/uppy/s3/multipart/{id}/complete", uploadId)
        .then()
        .statusCode(400)
        .body("code", equalTo("invalid_part"));
    // An initiate that resumes by name does not pick the Uppy upload: its client chooses the parts.
    JsonPath initiated =
        Api.initiate(FilesTestResource.API_KEY, "uppy/mistakes.bin", 10, true)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(initiated.getBoolean("is_resume")).isFalse();
    assertThat(initiated.getString("upload_id")).isNotEqualTo(uploadId);
    Api.api()
        .post("/v1/files/uploads/{id}/abort", initiated.getString("upload_id"))
        .then()
        .statusCode(200);
    // Still in progress after the mistakes; the plan-based routes refuse it with a reason.
    Api.api()
        .body(Map.of("part_numbers", List.of(0)))
        .post("/v1/files/uploads/{id}/parts/urls", uploadId)
        .then()
        .statusCode(409)
        .body("code", equalTo("upload_unplanned"));
    Api.api()
        .queryParam("filename", "small.txt")
        .queryParam("type", "text/plain")
        .get("/v1/uppy/s3/params")
        .then()
        .statusCode(400)
        .body("code", equalTo("single_request_unsupported"));
  }

  @Test
  void anUploadTokenInThePathActsForItsKeyOnlyOnTheUppyRoutes() {
    JsonPath minted = Api.api().post("/v1/uppy/tokens").then().statusCode(200).extract().jsonPath();
    String token = minted.getString("token");
    assertThat(token).startsWith("ut_");
    String endpoint = minted.getString("companion_endpoint");
    assertThat(endpoint).endsWith("/v1/uppy/t/" + token);
    assertThat(minted.getString("expires_at")).isNotBlank();

    String path = "/v1/uppy/t/" + token;
    String uploadId =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("filename", "uppy/by-token.bin", "type", "application/octet-stream"))
            .post(path + "/s3/multipart")
            .then()
            .statusCode(200)
            .extract()
            .path("uploadId");
    Api.api().get("/v1/files/uploads/{id}", uploadId).then().statusCode(200);

    // Not an API key elsewhere; not a token once tampered with; cannot mint tokens.
    as(token).get("/v1/files/uploads/{id}", uploadId).then().statusCode(401);
    as(token).post("/v1/uppy/tokens").then().statusCode(401);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("filename", "x.bin", "type", "application/octet-stream"))
        .post("/v1/uppy/t/" + token.substring(0, token.length() - 2) + "xx/s3/multipart")
        .then()
        .statusCode(401);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("filename", "x.bin", "type", "application/octet-stream"))
        .post("/v1/uppy/s3/multipart")
        .then()
        .statusCode(401);
  }

  @Test
  void aFileIdThatLooksLikeATokenPathIsNotRewritten() throws Exception {
    String name = "notes/uppy/t/ut_x/s3/multipart";
    HttpResponse<String> stored =
        Api.local(FilesTestResource.API_KEY)
            .simpleUpload(
                name, "text/plain", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(stored.statusCode()).isEqualTo(200);
    Api.api().redirects().follow(false).get("/v1/files/download/" + name).then().statusCode(302);
  }

  private List<String> eventTypes(String uploadId) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "select type from outbox_event where body like ? order by created_at")) {
      statement.setString(1, "%" + uploadId + "%");
      List<String> types = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          types.add(rows.getString(1));
        }
      }
      return types;
    }
  }
}
