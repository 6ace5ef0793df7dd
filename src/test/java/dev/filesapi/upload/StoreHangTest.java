package dev.filesapi.upload;

import static dev.filesapi.support.Problems.problem;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.Api;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The object store stops answering (a relay that accepts and holds every byte, as a store process
 * under {@code kill -STOP} does): with the default deadlines (5 s for a control call), each request
 * that needs the store answers {@code 503 storage_unavailable} with Retry-After well within 15 s,
 * readiness answers DOWN within 5 s, and once the store answers again the same request succeeds.
 *
 * <p>The requests meet one outage together, as a store's clients do: each kind's frozen half runs
 * on its own thread while the relay holds, then each repeats its request after the thaw. (One
 * outage for each kind took 36 s of the fast suite; together they take the slowest one's time.)
 */
@QuarkusTest
@WithTestResource(
    value = FilesTestResource.class,
    initArgs = @ResourceArg(name = FilesTestResource.THROUGH_PROXY, value = "true"))
class StoreHangTest {
  private static final String KEY = FilesTestResource.API_KEY;
  private static final Duration REQUEST_BOUND = Duration.ofSeconds(15);
  private static final Duration READINESS_BOUND = Duration.ofSeconds(5);

  @TestHTTPResource("/")
  URL root;

  /** Every later test needs the store answering. */
  @AfterEach
  void thaw() {
    FilesTestResource.storeProxy().thaw();
  }

  @Test
  void everyRequestGivesUpInTimeDuringAnOutageAndSucceedsOnceTheStoreAnswers() throws Exception {
    List<Outage> outages =
        List.of(
            new Initiate(unique("hang-initiate")),
            Complete.uploaded(unique("hang-complete")),
            new SimpleUpload(unique("hang-simple")),
            Delete.stored(unique("hang-delete")),
            new Readiness());

    FilesTestResource.storeProxy().freeze();
    allAtOnce(outages);
    FilesTestResource.storeProxy().thaw();
    for (Outage outage : outages) {
      outage.afterThaw();
    }
  }

  /** Runs each outage's frozen half on its own thread; the first failed assertion is thrown. */
  private static void allAtOnce(List<Outage> outages) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(outages.size());
    try {
      List<Future<?>> frozen = new ArrayList<>();
      for (Outage outage : outages) {
        frozen.add(
            threads.submit(
                () -> {
                  outage.whileFrozen();
                  return null;
                }));
      }
      for (Future<?> each : frozen) {
        try {
          each.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error; // the assertion that failed on its thread
          }
          throw e;
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** One kind of request: what it answers while the store is silent, and after. */
  private interface Outage {
    void whileFrozen() throws Exception;

    void afterThaw() throws Exception;
  }

  /** An initiate gives up and leaves no upload behind; repeated, it starts one. */
  private record Initiate(String filename) implements Outage {
    @Override
    public void whileFrozen() {
      assertUnavailableWithin(REQUEST_BOUND, () -> Api.initiate(KEY, filename, 11L * MIB, false));
      assertThat(Api.uploadsNamed(KEY, filename, null)).isEmpty();
    }

    @Override
    public void afterThaw() {
      JsonPath retried =
          Api.initiate(KEY, filename, 11L * MIB, true).then().statusCode(200).extract().jsonPath();
      assertThat(Api.uploadsNamed(KEY, filename, "in_progress"))
          .containsExactly(retried.getString("upload_id"));
    }
  }

  /** A complete gives up and leaves the upload in progress; repeated, it registers the file. */
  private record Complete(String filename, byte[] content, String uploadId) implements Outage {
    /** An upload whose parts are stored and checkpointed, ready to complete. */
    static Complete uploaded(String filename) {
      byte[] content = UploadTestSupport.content(7 * MIB + 5, 51);
      String uploadId = Api.uploadedAndCheckpointed(KEY, filename, content).getString("upload_id");
      return new Complete(filename, content, uploadId);
    }

    @Override
    public void whileFrozen() throws InterruptedException {
      assertUnavailableWithin(REQUEST_BOUND, () -> complete(uploadId));
      // After the store's silence the complete's work looks at the object (the store may have
      // assembled it before going quiet), which the frozen store does not answer either: then the
      // upload is back in progress.
      assertThat(statusWithin(uploadId, "in_progress", REQUEST_BOUND)).isEqualTo("in_progress");
    }

    @Override
    public void afterThaw() throws Exception {
      Response completed = complete(uploadId);
      assertThat(completed.statusCode()).as(completed.asString()).isEqualTo(200);
      assertThat(RaceSupport.sha256(downloaded(filename))).isEqualTo(RaceSupport.sha256(content));
    }
  }

  /** A simple upload gives up and stores nothing; repeated, it stores the file. */
  private record SimpleUpload(String filename, byte[] content) implements Outage {
    SimpleUpload(String filename) {
      this(filename, UploadTestSupport.content(200_000, 52));
    }

    @Override
    public void whileFrozen() throws Exception {
      long started = System.nanoTime();
      HttpResponse<String> refused =
          Api.local(KEY).simpleUpload(filename, "application/octet-stream", content);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(JsonPath.from(refused.body()).getString("code")).isEqualTo("storage_unavailable");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(took).isLessThan(REQUEST_BOUND);
      Api.api().get("/v1/files/metadata/{id}", filename).then().statusCode(404);
    }

    @Override
    public void afterThaw() throws Exception {
      HttpResponse<String> stored =
          Api.local(KEY).simpleUpload(filename, "application/octet-stream", content);
      assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
      assertThat(RaceSupport.sha256(downloaded(filename))).isEqualTo(RaceSupport.sha256(content));
    }
  }

  /** A delete gives up and keeps the file; repeated, it deletes it. */
  private record Delete(String filename) implements Outage {
    /** A stored file to delete. */
    static Delete stored(String filename) throws Exception {
      byte[] content = UploadTestSupport.content(1000, 53);
      assertThat(Api.local(KEY).simpleUpload(filename, "text/plain", content).statusCode())
          .isEqualTo(200);
      return new Delete(filename);
    }

    @Override
    public void whileFrozen() {
      assertUnavailableWithin(
          REQUEST_BOUND, () -> Api.api().delete("/v1/files/delete/{id}", filename));
      Api.api().get("/v1/files/metadata/{id}", filename).then().statusCode(200);
    }

    @Override
    public void afterThaw() {
      Response deleted = Api.api().delete("/v1/files/delete/{id}", filename);
      assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(200);
      Api.api().get("/v1/files/metadata/{id}", filename).then().statusCode(404);
    }
  }

  /** Readiness answers in time, DOWN once no recent probe vouches for the store; then UP again. */
  private static final class Readiness implements Outage {
    @Override
    public void whileFrozen() throws InterruptedException {
      Response ready = readinessWithin(READINESS_BOUND);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (ready.statusCode() != 503 && System.nanoTime() < deadline) {
        Thread.sleep(100); // polling interval; the loop checks the state
        ready = readinessWithin(READINESS_BOUND);
      }
      assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(503);
      assertThat(ready.jsonPath().getString("checks.find { it.name == 'object-store' }.status"))
          .isEqualTo("DOWN");
      // Checks do not pile up while the store hangs: every one answers within the bound.
      for (int i = 0; i < 3; i++) {
        assertThat(readinessWithin(READINESS_BOUND).statusCode()).isEqualTo(503);
      }
    }

    @Override
    public void afterThaw() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      Response ready = readinessWithin(READINESS_BOUND);
      while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100); // polling interval; the loop checks the state
        ready = readinessWithin(READINESS_BOUND);
      }
      assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(200);
    }
  }

  /** The upload's status once it is {@code wanted}, or the last one seen when the bound passes. */
  private static String statusWithin(String uploadId, String wanted, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    String status = UploadTestSupport.view(uploadId).getString("status");
    while (!status.equals(wanted) && System.nanoTime() < deadline) {
      Thread.sleep(100); // polling the condition, with a bound
      status = UploadTestSupport.view(uploadId).getString("status");
    }
    return status;
  }

  private static Response readinessWithin(Duration bound) {
    long started = System.nanoTime();
    Response response = RestAssured.given().get("/q/health/ready");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("readiness took")
        .isLessThan(bound);
    return response;
  }

  private static void assertUnavailableWithin(Duration bound, Supplier<Response> request) {
    long started = System.nanoTime();
    Response response = request.get();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    problem(response, 503, "storage_unavailable");
    assertThat(response.getHeader("Retry-After")).as("Retry-After").isNotBlank();
    assertThat(took).as("answered after").isLessThan(bound);
  }

  private static Response complete(String uploadId) {
    return Api.api()
        .body(Map.of("parts", List.of()))
        .post("/v1/files/uploads/{id}/complete", uploadId);
  }

  private static byte[] downloaded(String filename) {
    Response redirect =
        Api.api().redirects().follow(false).get("/v1/files/download/{id}", filename);
    assertThat(redirect.statusCode()).as(redirect.asString()).isEqualTo(302);
    HttpResponse<byte[]> download = Api.get(redirect.getHeader("Location"));
    assertThat(download.statusCode()).isEqualTo(200);
    return download.body();
  }
}
