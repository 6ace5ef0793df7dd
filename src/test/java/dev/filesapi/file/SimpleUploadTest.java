package dev.filesapi.file;

import static dev.filesapi.file.FileFixtures.bytes;
import static dev.filesapi.file.FileFixtures.uniqueName;
import static dev.filesapi.support.Api.plain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Problems;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** POST /v1/files, and how a newer instance of a name replaces the older one. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class SimpleUploadTest {
  private static final String KEY = FilesTestResource.API_KEY;

  @Test
  void storesTheBytesAndServesThemBack() {
    byte[] content = new byte[300_000];
    new Random(7).nextBytes(content);
    String name = uniqueName("simple");

    JsonPath stored = Api.uploadFile(KEY, name, content, "application/octet-stream");

    assertThat(Api.download(KEY, name).body()).isEqualTo(content);
    JsonPath record = Api.metadata(KEY, name).then().statusCode(200).extract().jsonPath();
    assertThat(record.getString("file_uid")).isEqualTo(stored.getString("file_uid"));
    assertThat(record.getLong("num_bytes")).isEqualTo(content.length);
    assertThat(record.getString("file_type")).isEqualTo("application/octet-stream");
    assertThat(
            FileFixtures.objectExists(FileFixtures.storageKey(KEY, stored.getString("file_uid"))))
        .isTrue();
  }

  @Test
  void keepsThePartsContentType() {
    String name = uniqueName("typed");

    Api.uploadFile(KEY, name, bytes("hello"), "text/plain");

    Api.metadata(KEY, name)
        .then()
        .statusCode(200)
        .body("file_type", org.hamcrest.Matchers.startsWith("text/plain"));
  }

  @Test
  void rejectsAFormWithoutAFilePart() {
    Response response = plain(KEY).multiPart("note", "no file here").post("/v1/files");

    Problems.validationOf(response, "file");
  }

  @Test
  void rejectsAFormWithTwoFileParts() {
    String first = uniqueName("first");
    String second = uniqueName("second");

    Response response =
        plain(KEY)
            .multiPart("file", first, bytes("one"), "text/plain")
            .multiPart("file", second, bytes("two"), "text/plain")
            .post("/v1/files");

    Problems.validationOf(response, "file");
    Problems.notFound(Api.metadata(KEY, first));
    Problems.notFound(Api.metadata(KEY, second));
  }

  @Test
  void rejectsAJsonBody() {
    Response response =
        plain(KEY).contentType("application/json").body("{\"file\":\"x\"}").post("/v1/files");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.jsonPath().getString("code")).isEqualTo("unsupported_media_type");
  }

  @Test
  void rejectsAMissingKey() {
    Response response =
        io.restassured.RestAssured.given()
            .multiPart("file", uniqueName("anonymous"), bytes("x"), "text/plain")
            .post("/v1/files");

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void theNewerInstanceOfANameWins() {
    String name = uniqueName("twice");
    JsonPath older = Api.uploadFile(KEY, name, bytes("the old content"), "text/plain");
    String olderKey = FileFixtures.storageKey(KEY, older.getString("file_uid"));
    assertThat(FileFixtures.objectExists(olderKey)).isTrue();

    byte[] newer = bytes("the new, longer content");
    JsonPath replacement = Api.uploadFile(KEY, name, newer, "text/plain");

    assertThat(replacement.getString("file_uid")).isNotEqualTo(older.getString("file_uid"));
    JsonPath record = Api.metadata(KEY, name).then().statusCode(200).extract().jsonPath();
    assertThat(record.getString("file_uid")).isEqualTo(replacement.getString("file_uid"));
    assertThat(record.getLong("num_bytes")).isEqualTo(newer.length);
    assertThat(Api.download(KEY, name).body()).isEqualTo(newer);
    assertThat(FileFixtures.objectExists(olderKey)).isFalse();
    assertThat(
            FileFixtures.objectExists(
                FileFixtures.storageKey(KEY, replacement.getString("file_uid"))))
        .isTrue();
  }

  @Test
  void aFileCompletedInPartsReplacesAnEarlierOne() {
    String name = uniqueName("then-in-parts");
    JsonPath older = Api.uploadFile(KEY, name, bytes("small and simple"), "text/plain");
    String olderKey = FileFixtures.storageKey(KEY, older.getString("file_uid"));
    byte[] content = new byte[6 * 1024 * 1024 + 11];
    new Random(11).nextBytes(content);

    JsonPath completed = Api.uploadInParts(KEY, name, content, "application/octet-stream");

    assertThat(completed.getString("file_id")).isEqualTo(name);
    JsonPath record = Api.metadata(KEY, name).then().statusCode(200).extract().jsonPath();
    assertThat(record.getString("file_uid")).isEqualTo(completed.getString("file_uid"));
    assertThat(record.getLong("num_bytes")).isEqualTo(content.length);
    assertThat(record.getString("file_type")).isEqualTo("application/octet-stream");
    assertThat(Api.download(KEY, name).body()).isEqualTo(content);
    assertThat(FileFixtures.objectExists(olderKey)).isFalse();
  }

  @Test
  void aSimpleUploadReplacesAFileCompletedInParts() {
    String name = uniqueName("then-simple");
    JsonPath older = Api.uploadInParts(KEY, name, bytes("in one part"), "text/plain");
    String olderKey = FileFixtures.storageKey(KEY, older.getString("file_uid"));
    assertThat(FileFixtures.objectExists(olderKey)).isTrue();

    JsonPath newer = Api.uploadFile(KEY, name, bytes("simple"), "text/plain");

    Api.metadata(KEY, name)
        .then()
        .statusCode(200)
        .body("file_uid", org.hamcrest.Matchers.equalTo(newer.getString("file_uid")));
    assertThat(Api.download(KEY, name).body()).isEqualTo(bytes("simple"));
    assertThat(FileFixtures.objectExists(olderKey)).isFalse();
  }

  @Test
  void concurrentUploadsOfOneNameLeaveExactlyOneInstance() throws Exception {
    String name = uniqueName("race");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<String>> uploads = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        byte[] content = bytes("racer " + i);
        uploads.add(
            pool.submit(
                () -> Api.uploadFile(KEY, name, content, "text/plain").getString("file_uid")));
      }
      List<String> fileUids = new ArrayList<>();
      for (Future<String> upload : uploads) {
        fileUids.add(upload.get(60, TimeUnit.SECONDS));
      }

      String winner = Api.metadata(KEY, name).jsonPath().getString("file_uid");
      assertThat(fileUids).contains(winner);
      for (String fileUid : fileUids) {
        assertThat(FileFixtures.objectExists(FileFixtures.storageKey(KEY, fileUid)))
            .as("object of %s (winner %s)", fileUid, winner)
            .isEqualTo(fileUid.equals(winner));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
