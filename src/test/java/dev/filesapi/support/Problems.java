package dev.filesapi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;

/** Assertions on the service's RFC 9457 problem bodies, as rest-assured reads them. */
public final class Problems {
  public static final String PROBLEM_JSON = "application/problem+json";

  private Problems() {}

  /**
   * Asserts that the response is a problem with this status and code that leaks nothing, and
   * returns its body.
   */
  public static JsonPath problem(Response response, int status, String code) {
    String body = response.asString();
    assertThat(response.statusCode()).as("status of %s", body).isEqualTo(status);
    assertThat(response.contentType()).as("content type of %s", body).startsWith(PROBLEM_JSON);
    JsonPath json = new JsonPath(body);
    assertThat(json.getString("code")).as("code of %s", body).isEqualTo(code);
    assertThat(json.getInt("status")).isEqualTo(status);
    assertThat(json.getString("title")).isNotBlank();
    assertThat(json.getString("type")).isEqualTo("about:blank");
    assertThat(body)
        .doesNotContain(FilesTestResource.API_KEY)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    return json;
  }

  /** A 400 validation_failed problem whose errors name this field (among others). */
  public static JsonPath validation(Response response, String field) {
    JsonPath json = problem(response, 400, "validation_failed");
    List<String> fields = json.getList("errors.field");
    assertThat(fields).as("errors of %s", json.prettify()).contains(field);
    return json;
  }

  /** A 400 validation_failed problem whose errors name this field and no other. */
  public static JsonPath validationOf(Response response, String field) {
    JsonPath json = problem(response, 400, "validation_failed");
    assertThat(json.getList("errors.field", String.class))
        .as("errors of %s", json.prettify())
        .containsExactly(field);
    return json;
  }

  public static JsonPath notFound(Response response) {
    return problem(response, 404, "not_found");
  }
}
