package dev.filesapi.file;

import static dev.filesapi.support.Api.api;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.DeploymentVariant;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With files.download.mode=stream (DeploymentVariant) the service answers with the bytes instead of
 * a redirect.
 */
@QuarkusTest
@TestProfile(DeploymentVariant.class)
@WithTestResource(FilesTestResource.class)
class StreamDownloadTest {
  @TestHTTPResource("/")
  java.net.URL root;

  @Test
  void streamsTheBytesWithDisposition() throws Exception {
    String name = "stream-" + UUID.randomUUID() + " ä.txt";
    byte[] content = ("hello " + name).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> stored =
        Api.local(FilesTestResource.API_KEY).simpleUpload(name, "text/plain", content);
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.body()).contains("\"file_id\":\"" + name + "\"");

    Response download = api().redirects().follow(false).get("/v1/files/download/{id}", name);

    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.asByteArray()).isEqualTo(content);
    assertThat(download.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(download.getHeader("Content-Disposition"))
        .isEqualTo(ContentDisposition.attachment(name));
  }
}
