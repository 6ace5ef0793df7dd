package dev.filesapi.upload;

import static dev.filesapi.support.Api.api;
import static dev.filesapi.support.Problems.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.DeploymentVariant;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.Test;

/**
 * Complete compares the client's integrity_checksum with the CRC32C the store keeps for the
 * assembled object. The store's answer comes from {@link Crc32cComputingStore}; the upload itself
 * goes through the real service, S3 backend and S3Proxy.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
@TestProfile(DeploymentVariant.class)
class Crc32cVerificationTest {

  private static final byte[] CONTENT = UploadTestSupport.content(5 * 1024 * 1024 + 777, 6);

  @Test
  void aMatchingChecksumIsKeptWithTheFile() {
    String name = UploadTestSupport.unique("crc-match");
    JsonPath file = complete(name, crc32c(CONTENT)).then().statusCode(200).extract().jsonPath();

    assertThat(file.getString("checksum.algorithm")).isEqualTo("crc32c");
    assertThat(file.getString("checksum.value")).isEqualTo(crc32c(CONTENT));
  }

  @Test
  void withoutAChecksumTheFileCarriesTheStoresOwn() {
    String name = UploadTestSupport.unique("crc-none");
    JsonPath file = complete(name, null).then().statusCode(200).extract().jsonPath();

    assertThat(file.getString("checksum.value")).isEqualTo(crc32c(CONTENT));
  }

  @Test
  void aMismatchFailsTheUploadDeletesTheObjectAndRegistersNoFile() {
    String name = UploadTestSupport.unique("crc-mismatch");
    byte[] other = CONTENT.clone();
    other[0] ^= 1;

    Response response = complete(name, crc32c(other));

    problem(response, 422, "checksum_mismatch");
    String uploadId = lastUploadId;
    JsonPath view = UploadTestSupport.view(uploadId);
    assertThat(view.getString("status")).isEqualTo("failed");
    assertThat(view.getString("failure.code")).isEqualTo("checksum_mismatch");
    assertThat(view.getString("failure.detail")).contains(crc32c(CONTENT));
    api().get("/v1/files/metadata/{id}", name).then().statusCode(404);
    assertThat(storedKeys()).noneMatch(key -> key.endsWith(lastFileUid));

    // Sent again (as after a 202): still final, and it says why.
    Response again =
        api()
            .body(Map.of("parts", List.of(), "integrity_checksum", crc32c(other)))
            .post("/v1/files/uploads/{id}/complete", uploadId);
    problem(again, 409, "upload_not_in_progress");
    assertThat(again.jsonPath().getString("detail")).contains("checksum_mismatch");
  }

  private String lastUploadId;
  private String lastFileUid;

  /** Initiates, PUTs every part of CONTENT, and completes with this checksum (null: none). */
  private Response complete(String name, String checksum) {
    JsonPath initiated =
        Api.initiate(FilesTestResource.API_KEY, name, CONTENT.length, false)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(initiated.getString("integrity_algorithm")).isEqualTo("crc32c");
    lastUploadId = initiated.getString("upload_id");
    lastFileUid = initiated.getString("file_uid");
    List<Map<String, Object>> parts = Api.putAll(initiated.getList("parts"), CONTENT);
    Map<String, Object> body = new HashMap<>();
    body.put("parts", parts);
    if (checksum != null) {
      body.put("integrity_checksum", checksum);
    }
    return api().body(body).post("/v1/files/uploads/{id}/complete", lastUploadId);
  }

  private static List<String> storedKeys() {
    return FilesTestResource.store()
        .blobStore()
        .list(FilesTestResource.BUCKET, ListContainerOptions.Builder.recursive())
        .stream()
        .map(StorageMetadata::getName)
        .toList();
  }

  private static String crc32c(byte[] content) {
    CRC32C crc = new CRC32C();
    crc.update(content);
    return Base64.getEncoder()
        .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
