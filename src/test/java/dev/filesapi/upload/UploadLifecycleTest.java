package dev.filesapi.upload;

import static dev.filesapi.support.Api.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A client's whole journey: initiate, PUT parts, checkpoint, resume, complete, download. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UploadLifecycleTest {
  private static final int MIB = 1024 * 1024;

  @Inject DataSource dataSource;

  @Test
  void uploadsResumesCompletesAndDownloadsTheSameBytes() throws Exception {
    byte[] content = new byte[17 * MIB + 3];
    new Random(42).nextBytes(content);
    String filename = "lifecycle/ünïcode report (final).bin";

    JsonPath first =
        Api.initiate(FilesTestResource.API_KEY, filename, content.length, true)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    String uploadId = first.getString("upload_id");
    assertThat(uploadId).startsWith("upl_");
    assertThat(first.getString("file_uid")).startsWith("fil_");
    assertThat(first.getString("file_name")).isEqualTo(filename);
    assertThat(first.getLong("total_bytes")).isEqualTo(content.length);
    assertThat(first.getInt("num_parts")).isEqualTo(4);
    assertThat(first.getLong("part_size")).isEqualTo(5L * MIB);
    assertThat(first.getString("integrity_algorithm")).isEqualTo("none");
    assertThat(first.getBoolean("is_resume")).isFalse();
    List<Map<String, Object>> parts = first.getList("parts");
    assertThat(parts).extracting(p -> p.get("part_number")).containsExactly(0, 1, 2, 3);
    assertThat(parts.get(3).get("offset")).isEqualTo(15 * MIB);
    assertThat(parts.get(3).get("length")).isEqualTo(2 * MIB + 3);

    // Upload parts 0 and 2 and checkpoint them, as a client interrupted mid-way would.
    List<Map<String, Object>> done = Api.putAll(List.of(parts.get(0), parts.get(2)), content);
    assertThat((String) done.get(0).get("part_token")).startsWith("\"").endsWith("\"");
    api()
        .body(Map.of("parts", done))
        .post("/v1/files/uploads/{id}/parts/checkpoint", uploadId)
        .then()
        .statusCode(200)
        .body("num_checkpointed", equalTo(2));

    // Resuming returns the same upload with only the parts still to send.
    JsonPath resumed =
        Api.initiate(FilesTestResource.API_KEY, filename, content.length, true)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(resumed.getString("upload_id")).isEqualTo(uploadId);
    assertThat(resumed.getString("file_uid")).isEqualTo(first.getString("file_uid"));
    assertThat(resumed.getBoolean("is_resume")).isTrue();
    List<Map<String, Object>> remaining = resumed.getList("parts");
    assertThat(remaining).extracting(p -> p.get("part_number")).containsExactly(1, 3);

    List<Map<String, Object>> rest = Api.putAll(remaining, content);
    assertThat(checkpointRows(uploadId)).isEqualTo(2);
    JsonPath file =
        api()
            .body(Map.of("parts", rest))
            .post("/v1/files/uploads/{id}/complete", uploadId)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(file.getString("file_uid")).isEqualTo(first.getString("file_uid"));
    assertThat(file.getString("file_name")).isEqualTo(filename);
    assertThat(file.getString("file_id")).isEqualTo(filename);
    assertThat(file.getLong("num_bytes")).isEqualTo(content.length);
    assertThat(file.getString("file_status")).isEqualTo("Registered");
    assertThat(file.getMap("file_attributes")).isEmpty();
    // A completed upload keeps no checkpoints.
    assertThat(checkpointRows(uploadId)).isZero();

    // Completing again gives the same file.
    api()
        .body(Map.of("parts", List.of()))
        .post("/v1/files/uploads/{id}/complete", uploadId)
        .then()
        .statusCode(200)
        .body("file_uid", equalTo(first.getString("file_uid")));

    api()
        .get("/v1/files/uploads/{id}", uploadId)
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"))
        .body("file_id", equalTo(filename));

    // Download: a redirect to a presigned GET whose bytes are what was sent.
    io.restassured.response.Response redirect =
        api().redirects().follow(false).get("/v1/files/download/{id}", filename);
    assertThat(redirect.statusCode()).isEqualTo(302);
    HttpResponse<byte[]> download = Api.get(redirect.getHeader("Location"));
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(sha256(download.body())).isEqualTo(sha256(content));
    assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("filename*=UTF-8''%C3%BCn%C3%AFcode%20report%20%28final%29.bin");
  }

  private int checkpointRows(String uploadId) throws Exception {
    try (var connection = dataSource.getConnection();
        var statement =
            connection.prepareStatement("select count(*) from upload_part where upload_id = ?")) {
      statement.setString(1, uploadId);
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
