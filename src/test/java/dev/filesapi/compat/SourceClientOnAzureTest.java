package dev.filesapi.compat;

import static dev.filesapi.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.compat.SourceClient.Outcome;
import dev.filesapi.compat.SourceClient.Result;
import dev.filesapi.support.AzuriteResource;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The service on Azure Blob (Azurite), driven by the source API's client as published: its part
 * PUTs carry no header of their own, Azure's Put Block answers them {@code 201} without an ETag,
 * and the client sends the empty token it then reads; the service accepts it, commits the blocks
 * and serves the file. The proxy and base64 uploads (the service's own writes), download, delete
 * and abort take the same store. Uppy's Companion routes, whose client needs an ETag, are refused.
 */
@QuarkusTest
@WithTestResource(AzuriteResource.class)
@EnabledIf(
    value = "dev.filesapi.support.AzuriteProcess#runnable",
    disabledReason = "Azurite is not installed (npm install azurite@3.37.0)")
class SourceClientOnAzureTest {
  private static SourceClient newOrganization() {
    return new SourceClient(Tenants.newOrganizationKey("azure-" + UUID.randomUUID()));
  }

  @Test
  void aDirectUploadOfSeveralPartsCompletesWithEmptyTokensAndDownloads() throws Exception {
    SourceClient client = newOrganization();
    String name = "azure-" + UUID.randomUUID() + ".csv";
    byte[] content = new byte[11 * 1024 * 1024 + 3]; // 5 MiB parts in tests: 3 parts
    new Random(11).nextBytes(content);

    Result initiated = client.initiate(name, content.length);
    assertThat(initiated.outcome()).as(initiated.body()).isEqualTo(Outcome.RETURNED);
    assertThat(initiated.json().getString("integrity_algorithm")).isEqualTo("none");
    String uploadId = initiated.json().getString("upload_id");
    List<Map<String, Object>> tokens = new ArrayList<>();
    for (Map<String, Object> part : initiated.json().<Map<String, Object>>getList("parts")) {
      tokens.add(SourceClient.putPart(part, content));
    }
    assertThat(tokens).allSatisfy(token -> assertThat(token).containsEntry("part_token", ""));

    Result checkpointed = client.checkpoint(uploadId, tokens.subList(0, 1));
    assertThat(checkpointed.outcome()).as(checkpointed.body()).isEqualTo(Outcome.RETURNED);
    Result completed = client.complete(uploadId, tokens.subList(1, tokens.size()));
    assertThat(completed.outcome()).as(completed.body()).isEqualTo(Outcome.RETURNED);
    assertThat(completed.json().getString("file_name")).isEqualTo(name);

    assertThat(client.download(name)).isEqualTo(content);
    assertThat(client.getMetadata(name).json().getLong("num_bytes")).isEqualTo(content.length);
    assertThat(client.delete(name).json().getBoolean("is_valid")).isTrue();
    assertThat(client.download(name)).isNull();
  }

  @Test
  void theClientsDirectUploadAndAbortWork() throws Exception {
    SourceClient client = newOrganization();
    String name = "azure-direct-" + UUID.randomUUID() + ".txt";
    byte[] content = "Direct upload to Azure".getBytes(StandardCharsets.UTF_8);

    Map<String, Object> answer = client.directUpload(name, content);

    assertThat(answer).containsEntry("is_valid", true).containsEntry("file_id", name);
    assertThat(client.download(name)).isEqualTo(content);

    Result initiated = client.initiate("azure-aborted-" + UUID.randomUUID() + ".csv", 6_000_000);
    Result aborted = client.abort(initiated.json().getString("upload_id"));
    assertThat(aborted.outcome()).as(aborted.body()).isEqualTo(Outcome.RETURNED);
  }

  @Test
  void theProxyAndBase64UploadsAreWrittenByTheService() throws Exception {
    SourceClient client = newOrganization();
    String name = "azure-proxy-" + UUID.randomUUID() + ".txt";
    byte[] content = "timestamp,value\n1,2\n".getBytes(StandardCharsets.UTF_8);

    Result uploaded = client.upload(name, content);
    assertThat(uploaded.outcome()).as(uploaded.body()).isEqualTo(Outcome.RETURNED);
    assertThat(client.download(name)).isEqualTo(content);

    String encoded = "azure-b64-" + UUID.randomUUID() + ".txt";
    Result base64 =
        client.uploadBase64(encoded, java.util.Base64.getEncoder().encodeToString(content));
    assertThat(base64.outcome()).as(base64.body()).isEqualTo(Outcome.RETURNED);
    assertThat(client.download(encoded)).isEqualTo(content);
  }

  @Test
  void uppysRoutesAreRefusedWithWhatToUseInstead() {
    Response refused =
        as(FilesTestResource.API_KEY)
            .contentType("application/json")
            .body("{\"filename\":\"a.bin\",\"type\":\"application/octet-stream\"}")
            .post("/v1/uppy/s3/multipart");

    assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(501);
    assertThat(refused.jsonPath().getString("code")).isEqualTo("not_supported_by_store");
  }

  @Test
  void readinessReachesTheContainer() {
    Response ready = io.restassured.RestAssured.get("/q/health/ready");
    assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(200);
  }
}
