package dev.filesapi.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
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

  @Test
  void swaggerUiIsServed() {
    given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
  }
}
