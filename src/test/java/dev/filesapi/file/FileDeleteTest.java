package dev.filesapi.file;

import static dev.filesapi.file.FileFixtures.bytes;
import static dev.filesapi.file.FileFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Problems;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** DELETE /v1/files/delete/{file_id} and downloads of what is (not) there. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class FileDeleteTest {
  private static final String KEY = FilesTestResource.API_KEY;

  @Test
  void deletesTheRecordAndTheObject() {
    String name = "deleted/ünï " + UUID.randomUUID() + ".txt";
    JsonPath stored = Api.uploadInParts(KEY, name, bytes("to be deleted"), "text/plain");
    String key = FileFixtures.storageKey(KEY, stored.getString("file_uid"));
    assertThat(FileFixtures.objectExists(key)).isTrue();
    JsonPath before = Api.info(KEY);

    Response deleted = Api.delete(KEY, name);

    assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(200);
    assertThat(deleted.jsonPath().getString("file_id")).isEqualTo(name);
    assertThat(deleted.jsonPath().getBoolean("is_valid")).isTrue();
    assertThat(deleted.jsonPath().getBoolean("deleted")).isTrue();
    Problems.notFound(Api.metadata(KEY, name));
    Problems.notFound(Api.downloadResponse(KEY, name));
    assertThat(FileFixtures.objectExists(key)).isFalse();
    JsonPath after = Api.info(KEY);
    assertThat(after.getLong("num_files")).isEqualTo(before.getLong("num_files") - 1);
    assertThat(after.getLong("num_bytes")).isEqualTo(before.getLong("num_bytes") - 13);
  }

  @Test
  void deletingTwiceIsNotFound() {
    String name = uniqueName("twice-deleted");
    Api.uploadFile(KEY, name, bytes("x"), "text/plain");
    Api.delete(KEY, name).then().statusCode(200);

    Problems.notFound(Api.delete(KEY, name));
  }

  @Test
  void aDeletedNameCanBeUploadedAgain() {
    String name = uniqueName("reborn");
    Api.uploadFile(KEY, name, bytes("first life"), "text/plain");
    Api.delete(KEY, name).then().statusCode(200);

    JsonPath again = Api.uploadFile(KEY, name, bytes("second life"), "text/plain");

    Api.metadata(KEY, name)
        .then()
        .statusCode(200)
        .body("file_uid", org.hamcrest.Matchers.equalTo(again.getString("file_uid")));
    assertThat(Api.download(KEY, name).body()).isEqualTo(bytes("second life"));
  }

  @Test
  void unknownNamesAreNotFound() {
    String name = "never-uploaded-" + UUID.randomUUID();

    Problems.notFound(Api.delete(KEY, name));
    Problems.notFound(Api.downloadResponse(KEY, name));
  }

  @Test
  void theDownloadRedirectNamesTheFile() {
    String name = "dir/ünï " + UUID.randomUUID() + ".txt";
    Api.uploadFile(KEY, uniqueName("unrelated"), bytes("x"), "text/plain");
    Api.uploadInParts(KEY, name, bytes("named"), "text/plain");

    Response redirect = Api.downloadResponse(KEY, name);

    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.getHeader("Cache-Control")).isEqualTo("no-store");
    var fetched = dev.filesapi.support.Api.get(redirect.getHeader("Location"));
    assertThat(fetched.body()).isEqualTo(bytes("named"));
    assertThat(fetched.headers().firstValue("Content-Disposition").orElseThrow())
        .isEqualTo(ContentDisposition.attachment(name))
        .contains("filename*=UTF-8''%C3%BCn%C3%AF%20");
  }
}
