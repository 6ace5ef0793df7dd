package dev.filesapi.ops;

import static dev.filesapi.support.Api.api;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Prometheus at /q/metrics: upload counters by backend move with the traffic. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class MetricsTest {

  private static double metric(String scrape, String name, String labels) {
    Matcher matcher =
        Pattern.compile(
                "^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$", Pattern.MULTILINE)
            .matcher(scrape);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private static String scrape() {
    return given().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  @Test
  void uploadCountersAndRequestHistogramsMove() {
    String before = scrape();
    String name = "metrics-" + UUID.randomUUID();
    byte[] content = new byte[1000];
    var initiated = Api.initiate(FilesTestResource.API_KEY, name, content.length, false).jsonPath();
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);
    api()
        .body(Map.of("parts", tokens))
        .post("/v1/files/uploads/{id}/complete", initiated.getString("upload_id"))
        .then()
        .statusCode(200);
    String aborted =
        Api.initiate(FilesTestResource.API_KEY, name + "-2", 10, false)
            .jsonPath()
            .getString("upload_id");
    api().post("/v1/files/uploads/{id}/abort", aborted).then().statusCode(200);
    String after = scrape();

    String uploads = "files_uploads_total";
    assertThat(
            metric(after, uploads, "backend=\"s3\",event=\"initiated\"")
                - metric(before, uploads, "backend=\"s3\",event=\"initiated\""))
        .isEqualTo(2);
    assertThat(
            metric(after, uploads, "backend=\"s3\",event=\"completed\"")
                - metric(before, uploads, "backend=\"s3\",event=\"completed\""))
        .isEqualTo(1);
    assertThat(
            metric(after, uploads, "backend=\"s3\",event=\"aborted\"")
                - metric(before, uploads, "backend=\"s3\",event=\"aborted\""))
        .isEqualTo(1);
    assertThat(
            metric(after, "files_uploads_completed_bytes_total", "backend=\"s3\"")
                - metric(before, "files_uploads_completed_bytes_total", "backend=\"s3\""))
        .isEqualTo(1000);
    assertThat(
            metric(after, "files_parts_presigned_total", "backend=\"s3\"")
                - metric(before, "files_parts_presigned_total", "backend=\"s3\""))
        .isEqualTo(2);
    assertThat(after)
        .contains("http_server_requests_seconds_bucket")
        .contains("uri=\"/files/uploads/{upload_id}/complete\"");
  }
}
