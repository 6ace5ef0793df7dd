package dev.filesapi.openapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document clients are generated from is committed (src/test/resources/openapi), so the
 * generated-client test and the lint in CI see what is served; this keeps the two equal. After an
 * API change, rewrite the snapshot: {@code ./mvnw test -Dtest=OpenApiSnapshotTest
 * -Dopenapi.snapshot.update}.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class OpenApiSnapshotTest {
  static final Path SNAPSHOT = Path.of("src/test/resources/openapi/files-api.json");

  @Test
  void servedDocumentEqualsTheSnapshot() throws IOException {
    String served =
        given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    if (System.getProperty("openapi.snapshot.update") != null) {
      Files.writeString(SNAPSHOT, served);
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode snapshot = json.readTree(Files.readString(SNAPSHOT));
    assertThat(pretty(json, json.readTree(served)))
        .as(
            "%s is not the served document: if the API changed on purpose, rewrite it with"
                + " ./mvnw test -Dtest=OpenApiSnapshotTest -Dopenapi.snapshot.update",
            SNAPSHOT)
        .isEqualTo(pretty(json, snapshot));
  }

  private static String pretty(ObjectMapper json, JsonNode document) throws IOException {
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(document);
  }
}
