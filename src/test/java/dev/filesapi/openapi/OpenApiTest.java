package dev.filesapi.openapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.upload.UploadStatus;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API manual: the OpenAPI document and Swagger UI are served and describe the wire format. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class OpenApiTest {

  @Test
  void documentDeclaresBearerSchemeAndSnakeCaseFields() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("components.securitySchemes.api_key.type", equalTo("http"))
        .body("components.securitySchemes.api_key.scheme", equalTo("bearer"))
        .body("components.securitySchemes.admin_token.scheme", equalTo("bearer"))
        .body("paths.'/v1/files/uploads/initiate'.post.security[0]", hasKey("api_key"))
        .body("paths.'/v1/admin/organizations'.post.security[0]", hasKey("admin_token"))
        .body("paths.'/v1/files/uploads/initiate'.post.description", notNullValue())
        .body("components.schemas.InitiateRequest.properties", hasKey("num_bytes"))
        .body("components.schemas.InitiateRequest.properties", hasKey("resume_if_started"))
        .body("components.schemas.InitiateResponse.properties", hasKey("is_resume"))
        .body("components.schemas.InitiateResponse.properties", not(hasKey("numParts")))
        .body("components.schemas.PartDescriptor.properties", hasKey("expires_at"));
  }

  /** The enumerations are written out in annotations; this keeps them equal to the states. */
  @Test
  void statusEnumerationsListEveryUploadState() {
    List<String> states = Arrays.stream(UploadStatus.values()).map(UploadStatus::wireName).toList();
    JsonPath document = given().accept("application/json").get("/q/openapi").jsonPath();
    assertThat(document.getList("components.schemas.UploadView.properties.status.enum"))
        .isEqualTo(states);
    List<Map<String, Object>> parameters =
        document.getList("paths.'/v1/files/uploads'.get.parameters");
    assertThat(parameters)
        .filteredOn(parameter -> "status".equals(parameter.get("name")))
        .singleElement()
        .extracting(parameter -> ((Map<?, ?>) parameter.get("schema")).get("enum"))
        .isEqualTo(states);
  }

  /** What the source API's clients read is in the manual: errors[].code, is_valid, base64. */
  @Test
  void documentShowsErrorCodesTheDeleteAnswerAndTheBase64Upload() {
    JsonPath document = given().accept("application/json").get("/q/openapi").jsonPath();
    assertThat(document.getMap("components.schemas.ProblemError.properties"))
        .containsKeys("code", "field", "message");
    assertThat(document.getList("components.schemas.ProblemError.required"))
        .contains("code", "message");
    assertThat(document.getString("components.schemas.Problem.properties.errors.items.$ref"))
        .endsWith("/ProblemError");
    assertThat(document.getMap("components.schemas.DeleteResponse.properties"))
        .containsKeys("is_valid", "file_id", "deleted");
    assertThat(
            document.getMap(
                "paths.'/v1/files/base64'.post.requestBody.content.'multipart/form-data'"))
        .isNotNull();
    assertThat(document.getMap("paths.'/v1/files/base64'.post.responses"))
        .containsKeys("200", "400", "413");
    assertThat(
            document.getString(
                "paths.'/v1/files/metadata'.get.responses.'200'.content.'application/json'"
                    + ".schema.type"))
        .isEqualTo("array");
  }

  @Test
  void swaggerUiIsServed() {
    given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
  }

  @Test
  void swaggerUiOpensOnUploadsWithTryItOutOn() {
    JsonPath document =
        given()
            .accept("application/json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    // Swagger UI lists the groups in the order of the document's tags (issue 27).
    assertThat(document.getList("tags.name", String.class))
        .containsExactly("Uploads", "Files", "Webhooks", "Uppy", "Admin");
    given()
        .get("/q/swagger-ui/")
        .then()
        .statusCode(200)
        .body(containsString("tryItOutEnabled: true"))
        .body(containsString("persistAuthorization: true"));
  }

  @Test
  void answersWithoutABodyAreDocumentedWithoutContent() {
    JsonPath document =
        given()
            .accept("application/json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    Map<String, Object> abort =
        document.getMap("paths.'/v1/files/uploads/{upload_id}/abort'.post.responses.'200'");
    assertThat(abort).containsKey("description").doesNotContainKey("content");
  }
}
