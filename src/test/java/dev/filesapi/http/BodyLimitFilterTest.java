package dev.filesapi.http;

import static dev.filesapi.support.Api.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.problem.Problem;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.OpenApiConformance;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON bodies over files.http.max-json-body-size (4 MiB) are refused before parsing. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class BodyLimitFilterTest {

  @Test
  void oversizedJsonBodyIs413() {
    String padding = "x".repeat(5 * 1024 * 1024);
    api()
        .body("{\"filename\":\"" + padding + "\",\"file_type\":\"a/b\",\"num_bytes\":1}")
        .post("/v1/files/uploads/initiate")
        .then()
        .statusCode(413)
        .contentType(Problem.MEDIA_TYPE)
        .body("code", equalTo("payload_too_large"));
  }

  @Test
  void bodyJustUnderTheLimitIsParsed() {
    // 3 MiB of filename is still read, and then refused by validation, not by size.
    String padding = "x".repeat(3 * 1024 * 1024);
    api()
        .body("{\"filename\":\"" + padding + "\",\"file_type\":\"a/b\",\"num_bytes\":1}")
        .post("/v1/files/uploads/initiate")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo("filename"));
  }

  /**
   * A body declared over quarkus.http.limits.max-body-size is refused before it is read, with a
   * problem body (the HTTP layer's own 413 is empty) and the connection closed.
   */
  @ParameterizedTest
  @CsvSource({
    "/v1/files, multipart/form-data; boundary=x, invalid_file_size",
    "/v1/files/base64, multipart/form-data; boundary=x, invalid_file_size",
    "/v1/files/uploads/initiate, application/json, payload_too_large"
  })
  void bodyDeclaredOverTheHttpLimitIsAProblem(String path, String type, String code)
      throws IOException {
    try (Socket socket = new Socket("localhost", RestAssured.port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + FilesTestResource.API_KEY
                  + "\r\nContent-Type: "
                  + type
                  + "\r\nContent-Length: 800000000\r\n\r\n--x\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 413");
      assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
      String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
      String body = answer.substring(head.length() + 4);
      String contentType =
          head.lines()
              .filter(line -> line.toLowerCase().startsWith("content-type:"))
              .map(line -> line.substring("content-type:".length()).trim())
              .findFirst()
              .orElse(null);
      OpenApiConformance.check(
          "POST", path, 413, contentType, body.getBytes(StandardCharsets.UTF_8));
      JsonNode problem = new ObjectMapper().readTree(body);
      assertThat(problem.path("code").asText()).isEqualTo(code);
      assertThat(problem.path("status").asInt()).isEqualTo(413);
      assertThat(problem.path("errors")).hasSize(1);
      assertThat(problem.path("errors").get(0).path("code").asText()).isEqualTo(code);
    }
  }
}
