package dev.filesapi.file;

import static dev.filesapi.file.FileFixtures.bytes;
import static dev.filesapi.file.FileFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Problems;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Another organization cannot see, fetch or delete a file, nor learn that it exists. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class FileIsolationTest {
  private static final String KEY_A = FilesTestResource.API_KEY;

  @Test
  void anotherOrganizationGetsNotFoundForEveryFileEndpoint() {
    String keyB = Tenants.newOrganizationKey("isolation-" + UUID.randomUUID());
    String name = uniqueName("private");
    byte[] content = bytes("organization A's secret");
    JsonPath stored = Api.uploadFile(KEY_A, name, content, "text/plain");
    String objectKey = FileFixtures.storageKey(KEY_A, stored.getString("file_uid"));

    Problems.notFound(Api.metadata(keyB, name));
    Problems.notFound(Api.downloadResponse(keyB, name));
    Problems.notFound(Api.delete(keyB, name));

    Api.metadata(KEY_A, name)
        .then()
        .statusCode(200)
        .body("file_uid", org.hamcrest.Matchers.equalTo(stored.getString("file_uid")));
    assertThat(Api.download(KEY_A, name).body()).isEqualTo(content);
    assertThat(FileFixtures.objectExists(objectKey)).isTrue();
  }

  @Test
  void listsAndTotalsAreOrganizationWide() {
    String keyB = Tenants.newOrganizationKey("isolation-" + UUID.randomUUID());
    String type = "application/x-test-" + UUID.randomUUID();
    String name = uniqueName("listed");
    Api.uploadFile(KEY_A, name, bytes("in A"), type);

    List<Map<String, Object>> listedForB =
        Api.plain(keyB)
            .get("/v1/files/metadata")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    List<Map<String, Object>> typedForB =
        Api.plain(keyB)
            .queryParam("file_type", type)
            .get("/v1/files/metadata")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    JsonPath infoB = Api.info(keyB);

    assertThat(listedForB).isEmpty();
    assertThat(typedForB).isEmpty();
    assertThat(infoB.getLong("num_files")).isZero();
    assertThat(infoB.getLong("num_bytes")).isZero();
    assertThat(infoB.getDouble("last_updated")).isZero();
    assertThat(Api.info(KEY_A).getLong("num_files")).isPositive();
  }

  @Test
  void theSameNameInTwoOrganizationsIsTwoFiles() {
    String keyB = Tenants.newOrganizationKey("isolation-" + UUID.randomUUID());
    String name = uniqueName("shared-name");
    JsonPath inA = Api.uploadFile(KEY_A, name, bytes("A's bytes"), "text/plain");
    String objectA = FileFixtures.storageKey(KEY_A, inA.getString("file_uid"));

    JsonPath inB = Api.uploadFile(keyB, name, bytes("B's other bytes"), "text/plain");

    assertThat(inB.getString("file_uid")).isNotEqualTo(inA.getString("file_uid"));
    assertThat(FileFixtures.objectExists(objectA)).as("B's upload must not replace A's").isTrue();
    assertThat(Api.download(KEY_A, name).body()).isEqualTo(bytes("A's bytes"));
    assertThat(Api.download(keyB, name).body()).isEqualTo(bytes("B's other bytes"));
    assertThat(Api.info(keyB).getLong("num_files")).isEqualTo(1);

    Api.delete(keyB, name).then().statusCode(200);
    Api.metadata(KEY_A, name).then().statusCode(200);
    assertThat(FileFixtures.objectExists(objectA)).isTrue();
  }
}
