package dev.filesapi.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The service against S3Proxy with its stock settings, which answer {@code 501 NotImplemented} to
 * {@code x-amz-*} headers it does not know (such as the AWS SDK's default {@code
 * x-amz-checksum-crc32}): every call the service makes to the store still works, because it sends
 * checksum headers only where an operation requires them.
 */
@QuarkusTest
@WithTestResource(
    value = FilesTestResource.class,
    initArgs = @ResourceArg(name = FilesTestResource.STOCK_S3PROXY, value = "true"))
class StockS3ProxyTest {
  private static final String KEY = FilesTestResource.API_KEY;
  private static final int MIB = 1024 * 1024;

  @Inject StorageBackend storage;

  /** Pins that the store is strict, so the tests below cannot pass on a lenient one. */
  @Test
  void theStoreRefusesTheSdksDefaultChecksumHeaders() {
    var store = FilesTestResource.store();
    try (S3Client defaults =
        S3Client.builder()
            .endpointOverride(URI.create(store.endpoint()))
            .forcePathStyle(true)
            // As the service sends bodies: plain, so the checksum travels as a header.
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
            .build()) {
      assertThatThrownBy(
              () ->
                  defaults.putObject(
                      b -> b.bucket(FilesTestResource.BUCKET).key("strict-" + UUID.randomUUID()),
                      RequestBody.fromString("x")))
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(501));
    }
  }

  @Test
  void aMultipartUploadCompletesAndDownloads() {
    byte[] content = content(5 * MIB + 1234, 1);
    String name = "stock-multipart-" + UUID.randomUUID() + ".bin";
    JsonPath initiated =
        Api.initiate(KEY, name, content.length, false).then().statusCode(200).extract().jsonPath();
    List<Map<String, Object>> tokens = Api.putAll(initiated.getList("parts"), content);

    Response completed =
        Api.api()
            .body(Map.of("parts", tokens))
            .post("/v1/files/uploads/{id}/complete", initiated.getString("upload_id"));

    assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(200);
    assertThat(downloaded(name)).isEqualTo(content);
    Response deleted = Api.api().delete("/v1/files/delete/{id}", name);
    assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(200);
    Api.api().get("/v1/files/metadata/{id}", name).then().statusCode(404);
  }

  @Test
  void aSimpleUploadStoresAndDownloads() throws Exception {
    byte[] content = content(100_000, 2);
    String name = "stock-simple-" + UUID.randomUUID() + ".bin";

    HttpResponse<String> stored =
        Api.local(KEY).simpleUpload(name, "application/octet-stream", content);

    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    assertThat(downloaded(name)).isEqualTo(content);
  }

  @Test
  void anAbortReachesTheStore() {
    String name = "stock-abort-" + UUID.randomUUID() + ".bin";
    String uploadId =
        Api.initiate(KEY, name, 6L * MIB, false).then().statusCode(200).extract().path("upload_id");

    Response aborted = Api.api().post("/v1/files/uploads/{id}/abort", uploadId);

    assertThat(aborted.statusCode()).as(aborted.asString()).isEqualTo(200);
    assertThat(FilesTestResource.store().blobStore().listMultipartUploads(FilesTestResource.BUCKET))
        .noneMatch(upload -> upload.blobName().contains(name));
  }

  @Test
  void readinessIsUp() {
    io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(200);
  }

  /** The backend calls the API reaches only in some paths (listing, stat, streaming). */
  @Test
  void everyBackendCallWorks() throws Exception {
    String key = "orgs/stock/files/" + UUID.randomUUID();
    byte[] part = content(1000, 3);
    String uploadId = storage.begin(key, "application/octet-stream");
    PresignedUrl url =
        storage.presignParts(key, uploadId, List.of(0), Duration.ofMinutes(5)).get(0);
    String token = Api.put(url.url(), part, 0, part.length);

    List<StoredPart> listed = storage.listParts(key, uploadId);
    assertThat(listed).extracting(StoredPart::partNumber).containsExactly(0);
    storage.complete(key, uploadId, List.of(new PartToken(0, token)));
    assertThat(storage.stat(key)).hasValueSatisfying(s -> assertThat(s.size()).isEqualTo(1000));
    try (InputStream in = storage.open(key)) {
      assertThat(in.readAllBytes()).isEqualTo(part);
    }
    storage.checkReachable();

    storage.put(key + "-whole", "application/octet-stream", part, part.length);
    assertThat(storage.stat(key + "-whole")).isPresent();
    storage.delete(key + "-whole");
    storage.delete(key);
    assertThat(storage.stat(key)).isEmpty();

    String aborted = storage.begin(key, "application/octet-stream");
    storage.abort(key, aborted);
  }

  private static byte[] downloaded(String name) {
    Response redirect = Api.api().redirects().follow(false).get("/v1/files/download/{id}", name);
    assertThat(redirect.statusCode()).as(redirect.asString()).isEqualTo(302);
    HttpResponse<byte[]> fetched = Api.get(redirect.getHeader("Location"));
    assertThat(fetched.statusCode()).isEqualTo(200);
    return fetched.body();
  }

  private static byte[] content(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
