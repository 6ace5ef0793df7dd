package dev.filesapi.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.compat.SourceClient.Outcome;
import dev.filesapi.compat.SourceClient.Result;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import dev.filesapi.tenancy.admin.OrganizationAdmin;
import dev.filesapi.tenancy.admin.QuotasRequest;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The source API's published Python client works unchanged against this service: its documented
 * first example, its file tests (proxy, base64 and direct uploads, download, delete, the oversized
 * upload) and the error bodies and status codes it reads. {@link SourceClient} makes the client's
 * requests; each test checks what the client checks.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class SourceClientCompatibilityTest {
  private static final String CONTENT = "timestamp,value_a,value_b\n1,2.2,three\n";

  private static SourceClient newOrganization() {
    return new SourceClient(Tenants.newOrganizationKey("compat-" + UUID.randomUUID()));
  }

  private static String unique(String stem, String extension) {
    return stem + "-" + UUID.randomUUID() + extension;
  }

  @Test
  void theDocumentedFirstExampleWorks() throws Exception {
    SourceClient client = newOrganization();
    byte[] image = new byte[4096];
    new java.util.Random(7).nextBytes(image);

    Result uploaded = client.upload("test_image.jpg", image);
    assertThat(uploaded.outcome()).as(uploaded.body()).isEqualTo(Outcome.RETURNED);
    assertThat(uploaded.json().getBoolean("is_valid")).isTrue();
    assertThat(uploaded.json().getString("file_id")).isEqualTo("test_image.jpg");

    Result info = client.getInfo();
    assertThat(info.outcome()).as(info.body()).isEqualTo(Outcome.RETURNED);
    assertThat(info.json().getInt("num_files")).isEqualTo(1);
    assertThat(info.json().getLong("num_bytes")).isEqualTo(4096);

    Result all = client.getMetadata();
    assertThat(all.outcome()).as(all.body()).isEqualTo(Outcome.RETURNED);
    assertThat(all.attempts()).isEqualTo(1);
    assertThat(all.json().<String>getList("file_id")).containsExactly("test_image.jpg");
    assertThat(all.json().getString("[0].file_type")).isEqualTo("image/jpeg");
    // file_index is the file's ordinal, the same in the single record (README, "Choices").
    assertThat(all.json().getLong("[0].file_index"))
        .isEqualTo(client.getMetadata("test_image.jpg").json().getLong("file_index"));

    Result firstShard = client.getMetadata(0, 10);
    assertThat(firstShard.outcome()).as(firstShard.body()).isEqualTo(Outcome.RETURNED);
    assertThat(firstShard.json().<String>getList("file_id")).containsExactly("test_image.jpg");
  }

  @Test
  void defaultListingReturnsEveryFileInOrderWhicheverParameterIsMinusOne() {
    SourceClient client = newOrganization();
    List<String> names =
        List.of(
            unique("a", ".txt"), unique("b", ".csv"), unique("c", ".json"), unique("d", ".txt"));
    for (String name : names) {
      assertThat(client.upload(name, CONTENT.getBytes(StandardCharsets.UTF_8)).outcome())
          .isEqualTo(Outcome.RETURNED);
    }

    for (int[] params : new int[][] {{-1, -1}, {-1, 2}, {0, -1}}) {
      Result listed = client.getMetadata(params[0], params[1]);
      assertThat(listed.outcome()).as(listed.body()).isEqualTo(Outcome.RETURNED);
      assertThat(listed.json().<String>getList("file_id")).containsExactlyElementsOf(names);
      assertThat(listed.json().<Number>getList("file_index"))
          .extracting(Number::longValue)
          .isSortedAccordingTo(Long::compare)
          .doesNotHaveDuplicates();
    }
    assertThat(client.getMetadata(1, 3).json().<String>getList("file_id"))
        .containsExactly(names.get(3));
    assertThat(client.getMetadata(2, 3).json().<String>getList("file_id")).isEmpty();

    Result one = client.getMetadata(names.get(1));
    assertThat(one.outcome()).as(one.body()).isEqualTo(Outcome.RETURNED);
    assertThat(one.json().getString("file_id")).isEqualTo(names.get(1));
    assertThat(one.json().getString("file_type")).isEqualTo("text/csv");
  }

  @Test
  void otherNegativeShardValuesAreApiErrors() {
    SourceClient client = newOrganization();
    for (int[] params : new int[][] {{-2, -1}, {-1, -2}, {0, 0}, {3, -1}}) {
      Result refused = client.getMetadata(params[0], params[1]);
      assertThat(refused.outcome()).as(refused.body()).isEqualTo(Outcome.API_ERROR);
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.errorCodeExists("validation_failed")).isTrue();
      assertThat(refused.errorCountIs(1)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {".txt", ".text", ".json", ".csv"})
  void proxyUploadDownloadAndDelete(String extension) throws Exception {
    SourceClient client = newOrganization();
    String name = unique("example", extension);
    byte[] content = CONTENT.getBytes(StandardCharsets.UTF_8);

    Result uploaded = client.upload(name, content);
    assertThat(uploaded.outcome()).as(uploaded.body()).isEqualTo(Outcome.RETURNED);
    assertThat(uploaded.json().getBoolean("is_valid")).isTrue();
    assertThat(uploaded.json().getString("file_id")).isEqualTo(name);
    assertThat(client.download(name)).isEqualTo(content);

    Result deleted = client.delete(name);
    assertThat(deleted.outcome()).as(deleted.body()).isEqualTo(Outcome.RETURNED);
    assertThat(deleted.json().getBoolean("is_valid")).isTrue();
    assertThat(deleted.json().getString("file_id")).isEqualTo(name);

    Result again = client.delete(name);
    assertThat(again.outcome()).isEqualTo(Outcome.API_ERROR);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.errorCodeExists("not_found")).isTrue();
    assertThat(again.errorCountIs(1)).isTrue();
  }

  @Test
  void base64UploadStoresTheDecodedBytes() throws Exception {
    SourceClient client = newOrganization();
    byte[] content = new byte[70_000];
    new java.util.Random(11).nextBytes(content);
    String standard = unique("standard", ".jpg");
    String urlSafe = unique("url-safe", ".png");
    String mime = unique("mime", ".mp4");

    Map<String, String> encodings =
        Map.of(
            standard, Base64.getEncoder().encodeToString(content),
            urlSafe, Base64.getUrlEncoder().withoutPadding().encodeToString(content),
            mime, Base64.getMimeEncoder().encodeToString(content));
    for (Map.Entry<String, String> upload : encodings.entrySet()) {
      Result uploaded = client.uploadBase64(upload.getKey(), upload.getValue());
      assertThat(uploaded.outcome()).as(uploaded.body()).isEqualTo(Outcome.RETURNED);
      assertThat(uploaded.json().getBoolean("is_valid")).isTrue();
      assertThat(uploaded.json().getString("file_id")).isEqualTo(upload.getKey());
      assertThat(uploaded.json().getString("file_uid")).startsWith("fil_");
      assertThat(client.download(upload.getKey())).isEqualTo(content);
    }
    Result listed = client.getMetadata(standard);
    assertThat(listed.json().getLong("num_bytes")).isEqualTo(content.length);
    assertThat(listed.json().getString("file_type")).isEqualTo("image/jpeg");
  }

  @Test
  void textThatIsNotBase64IsOneInvalidBase64Error() {
    SourceClient client = newOrganization();
    String name = unique("not-base64", ".txt");

    Result refused = client.uploadBase64(name, "this is not base64!");

    assertThat(refused.outcome()).as(refused.body()).isEqualTo(Outcome.API_ERROR);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getString("code")).isEqualTo("invalid_base64");
    assertThat(refused.errorCodeExists("invalid_base64")).isTrue();
    assertThat(refused.errorCountIs(1)).isTrue();
    assertThat(client.getMetadata(name).status()).isEqualTo(404);
  }

  @Test
  void directUploadCompletesWithTheClientsRequests() throws Exception {
    SourceClient client = newOrganization();
    String name = unique("direct_example", ".txt");
    byte[] content = "Direct upload example content".getBytes(StandardCharsets.UTF_8);

    Map<String, Object> answer = client.directUpload(name, content);

    assertThat(answer).containsEntry("is_valid", true).containsEntry("file_id", name);
    assertThat((String) answer.get("file_uid")).startsWith("fil_");
    assertThat(client.download(name)).isEqualTo(content);
    Result deleted = client.delete(name);
    assertThat(deleted.json().getBoolean("is_valid")).isTrue();
  }

  @Test
  void directUploadOfSeveralPartsAndTheAbortOfACancelledOne() throws Exception {
    SourceClient client = newOrganization();
    String name = unique("direct_parts", ".csv");
    byte[] content = new byte[11 * 1024 * 1024 + 3]; // 5 MiB parts in tests: 3 parts
    new java.util.Random(3).nextBytes(content);

    Result initiated = client.initiate(name, content.length);
    assertThat(initiated.outcome()).as(initiated.body()).isEqualTo(Outcome.RETURNED);
    assertThat(initiated.json().getInt("num_parts")).isEqualTo(3);
    assertThat(client.abort(initiated.json().getString("upload_id")).outcome())
        .isEqualTo(Outcome.RETURNED);

    Map<String, Object> answer = client.directUpload(name, content);
    assertThat(answer).containsEntry("file_id", name);
    assertThat(client.download(name)).isEqualTo(content);
  }

  /**
   * The real client checkpoints each part on other threads without waiting for them, so a
   * checkpoint can reach the service after the complete (seen in most runs of
   * bench/source-client-upload.py): it must be a 4xx the client only logs, and change nothing.
   */
  @Test
  void aCheckpointAfterTheCompleteIsAnApiErrorThatChangesNothing() throws Exception {
    SourceClient client = newOrganization();
    String name = unique("late_checkpoint", ".csv");
    byte[] content = new byte[6 * 1024 * 1024 + 1]; // 5 MiB parts in tests: 2 parts
    new java.util.Random(5).nextBytes(content);
    Result initiated = client.initiate(name, content.length);
    String uploadId = initiated.json().getString("upload_id");
    List<Map<String, Object>> tokens = new java.util.ArrayList<>();
    for (Map<String, Object> part : initiated.json().<Map<String, Object>>getList("parts")) {
      tokens.add(SourceClient.putPart(part, content));
    }
    Result completed = client.complete(uploadId, tokens);
    assertThat(completed.outcome()).as(completed.body()).isEqualTo(Outcome.RETURNED);

    Result late = client.checkpoint(uploadId, List.of(tokens.get(1)));

    assertThat(late.outcome()).as(late.body()).isEqualTo(Outcome.API_ERROR);
    assertThat(late.attempts()).isEqualTo(1);
    assertThat(late.errorCodeExists("upload_not_in_progress")).isTrue();
    assertThat(client.download(name)).isEqualTo(content);
    Result again = client.complete(uploadId, tokens);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("file_uid"))
        .isEqualTo(completed.json().getString("file_uid"));
  }

  @Test
  @Tag("long") // 500 MiB sent through the loopback
  void aFileOverTheSimpleUploadLimitIsOneInvalidFileSizeError(@TempDir Path directory)
      throws Exception {
    SourceClient client = newOrganization();
    Path sparse = directory.resolve("xl_file.txt");
    try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
      file.setLength(500L * 1024 * 1024);
    }

    Result refused = client.upload(sparse);

    assertThat(refused.outcome()).as(refused.body()).isEqualTo(Outcome.API_ERROR);
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.errorCodeExists("invalid_file_size")).isTrue();
    assertThat(refused.errorCountIs(1)).isTrue();
    assertThat(client.getInfo().json().getInt("num_files")).isZero();
    Files.delete(sparse);
  }

  @Test
  void everyErrorBodyCarriesErrorsWithCodes() {
    SourceClient client = newOrganization();
    SourceClient stranger = new SourceClient("fk_live_" + "0".repeat(40));

    Result unauthorized = stranger.getInfo();
    assertSingleError(unauthorized, 401, "unauthorized");

    Result notFound = client.getMetadata("no-such-file.txt");
    assertSingleError(notFound, 404, "not_found");

    Result badUpload =
        client.postJson(
            "/v1/files/uploads/initiate", "{\"file_type\": \"text/plain\", \"num_bytes\": 0}");
    assertThat(badUpload.status()).isEqualTo(400);
    assertThat(badUpload.json().getString("code")).isEqualTo("validation_failed");
    assertThat(badUpload.errorCountIs(2)).as(badUpload.body()).isTrue();
    assertThat(badUpload.json().<String>getList("errors.code")).containsOnly("validation_failed");
    assertThat(badUpload.json().<String>getList("errors.field"))
        .containsExactlyInAnyOrder("filename", "num_bytes");

    Result aborted = client.initiate(unique("aborted", ".txt"), 10);
    String uploadId = aborted.json().getString("upload_id");
    client.abort(uploadId);
    Result notInProgress =
        client.complete(uploadId, List.of(Map.of("part_number", 0, "part_token", "\"x\"")));
    assertSingleError(notInProgress, 409, "upload_not_in_progress");
  }

  @Test
  void aRetriedTooManyUploadsChangesNothing() {
    String key = Tenants.newOrganizationKey("compat-quota-" + UUID.randomUUID());
    Arc.container()
        .instance(OrganizationAdmin.class)
        .get()
        .setQuotas(Tenants.organizationOf(key), new QuotasRequest(1, null));
    SourceClient client = new SourceClient(key);
    assertThat(client.initiate(unique("first", ".txt"), 10).outcome()).isEqualTo(Outcome.RETURNED);

    Result refused = client.initiate(unique("second", ".txt"), 10);

    // 429 is one the client sends again: each attempt is refused the same way and none creates
    // an upload.
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.outcome()).isEqualTo(Outcome.RETRIED);
    assertThat(refused.attempts()).isEqualTo(SourceClient.NUM_RETRIES);
    assertThat(refused.errorCodeExists("too_many_uploads")).isTrue();
    io.restassured.path.json.JsonPath uploads =
        dev.filesapi.support.Api.as(key)
            .get("/v1/files/uploads?status=in_progress")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(uploads.getList("uploads")).hasSize(1);
  }

  private static void assertSingleError(Result result, int status, String code) {
    assertThat(result.status()).as(result.body()).isEqualTo(status);
    assertThat(result.outcome()).isEqualTo(SourceClient.outcomeOf(status));
    assertThat(result.json().getString("code")).isEqualTo(code);
    assertThat(result.errorCountIs(1)).as(result.body()).isTrue();
    assertThat(result.json().getString("errors[0].code")).isEqualTo(code);
    assertThat(result.json().getString("errors[0].message")).isNotBlank();
  }
}
