package dev.filesapi.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.filesapi.hostile.RawHttp.Req;
import dev.filesapi.hostile.RawHttp.Res;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.upload.Upload;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile-looking values that are valid: traversal and SQL-looking names are just names, stored as
 * given and never part of a storage key; SQL in a filter or a well-formed cursor matches nothing;
 * duplicates in part lists are answered as asked.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class HostileButValidInputTest extends AbstractHostileInputTest {
  @Override
  int minimumRejectedCases() {
    return 0;
  }

  /**
   * Hostile-looking values that are valid: traversal and SQL-looking names are just names, stored
   * as given and never part of a storage key; SQL in a filter or a well-formed cursor matches
   * nothing.
   */
  @TestFactory
  Stream<DynamicTest> hostileButValid() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> names = new ArrayList<>(TRAVERSAL);
    names.addAll(SQL);
    for (String name : names) {
      tests.add(accepted("initiate stores the name " + name, () -> initiateStoresTheName(name)));
      if (!name.contains("\"")) {
        // A form's quoted filename cannot carry a raw quote (browsers send %22 instead).
        tests.add(
            accepted(
                "simple upload stores the name " + name, () -> simpleUploadStoresTheName(name)));
      }
    }
    tests.add(
        accepted(
            "a line break in a form filename ends the part header: nothing is injected",
            () -> {
              String name = "crlf-" + UUID.randomUUID() + ".txt";
              Res res = send(form(name + "\r\nX-Injected: 1", "text/plain", "x"));
              assertThat(res.status()).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("file_id").asText()).isEqualTo(name);
              assertThat(res.headers()).doesNotContainKey("x-injected");
              assertThat(send(new Req("DELETE", "/v1/files/delete/" + enc(name))).status())
                  .isEqualTo(200);
            }));
    tests.add(
        accepted(
            "an unknown charset parameter is ignored: JSON is UTF-8 (RFC 8259)",
            () -> {
              Res res =
                  send(
                      json("POST", urls(uploadId), "{\"part_numbers\":[0]}")
                          .type("application/json; charset=no-such-charset"));
              assertThat(res.status()).as(res.text()).isEqualTo(200);
            }));
    for (String value : SQL) {
      tests.add(
          accepted(
              "file_type filter " + value + " matches nothing",
              () -> {
                Res res = send(new Req("GET", "/v1/files/metadata?file_type=" + enc(value)));
                assertThat(res.status()).as(res.text()).isEqualTo(200);
                assertThat(res.json().isArray()).isTrue();
                assertThat(res.json().size()).isZero();
              }));
    }
    tests.add(
        accepted(
            "a well-formed cursor with an SQL-looking id pages to nothing",
            () -> {
              Res res = send(new Req("GET", UPLOADS + "?cursor=" + enc(b64("123:upl_x'--"))));
              assertThat(res.status()).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("uploads").size()).isZero();
            }));
    for (long micros : new long[] {-62_135_596_800_000_000L, 253_402_300_799_999_999L, 0L, -1L}) {
      tests.add(
          accepted(
              "a cursor at " + micros + " micros (years 1 to 9999) is a page",
              () -> {
                Res res = send(new Req("GET", UPLOADS + "?cursor=" + b64(micros + ":upl_x")));
                assertThat(res.status()).as(res.text()).isEqualTo(200);
                assertThat(res.json().get("uploads").isArray()).isTrue();
              }));
    }
    tests.add(
        accepted(
            "SQL-looking part tokens are stored as data and checked by the store",
            () -> {
              String id =
                  initiate("sql-token-" + UUID.randomUUID(), 12L * MIB).get("upload_id").asText();
              StringBuilder entries = new StringBuilder();
              for (int part = 0; part < 3; part++) {
                entries
                    .append(part == 0 ? "" : ",")
                    .append("{\"part_number\":")
                    .append(part)
                    .append(",\"part_token\":")
                    .append(str(SQL.get(part)))
                    .append('}');
              }
              Res checkpointed =
                  send(json("POST", checkpoint(id), "{\"parts\":[" + entries + "]}"));
              assertThat(checkpointed.status()).as(checkpointed.text()).isEqualTo(200);
              assertThat(checkpointed.json().get("num_checkpointed").asInt()).isEqualTo(3);
              JsonNode view = send(new Req("GET", UPLOADS + "/" + id)).json();
              assertThat(view.get("checkpointed_parts").toString()).isEqualTo("[0,1,2]");
              Res completed = send(json("POST", complete(id), "{\"parts\":[]}"));
              assertThat(completed.status()).as(completed.text()).isEqualTo(400);
              assertThat(completed.json().get("code").asText()).isEqualTo("invalid_part");
              assertThat(send(new Req("GET", UPLOADS + "/" + id)).json().get("status").asText())
                  .isEqualTo("in_progress");
              assertThat(send(new Req("POST", abort(id))).status()).isEqualTo(200);
            }));
    tests.add(
        accepted(
            "parts/urls with duplicates answers in the same length and order",
            () -> {
              Res res = send(json("POST", urls(uploadId), "{\"part_numbers\":[2,0,2,1,0]}"));
              assertThat(res.status()).as(res.text()).isEqualTo(200);
              JsonNode parts = res.json().get("parts");
              List<Integer> numbers = new ArrayList<>();
              parts.forEach(p -> numbers.add(p.get("part_number").asInt()));
              assertThat(numbers).containsExactly(2, 0, 2, 1, 0);
              assertThat(parts.get(0).get("url").asText())
                  .isEqualTo(parts.get(2).get("url").asText());
            }));
    tests.add(
        accepted(
            "parts/urls with 10,000 duplicates of one part",
            () -> {
              String numbers =
                  IntStream.range(0, 10_000).mapToObj(i -> "1").collect(Collectors.joining(","));
              Res res = send(json("POST", urls(uploadId), "{\"part_numbers\":[" + numbers + "]}"));
              assertThat(res.status()).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("parts").size()).isEqualTo(10_000);
            }));
    tests.add(
        accepted(
            "checkpoint with a part given twice with one token counts it once",
            () -> {
              String id = initiate("dup-" + UUID.randomUUID(), 12L * MIB).get("upload_id").asText();
              // Two different tokens for one part are ambiguous: refused, nothing stored.
              Res ambiguous =
                  send(
                      json(
                          "POST",
                          checkpoint(id),
                          "{\"parts\":[{\"part_number\":1,\"part_token\":\"\\\"a\\\"\"},"
                              + "{\"part_number\":1,\"part_token\":\"\\\"b\\\"\"}]}"));
              assertThat(ambiguous.status()).as(ambiguous.text()).isEqualTo(400);
              assertThat(ambiguous.json().get("errors").get(0).get("field").asText())
                  .isEqualTo("parts[1].part_token");
              Res res =
                  send(
                      json(
                          "POST",
                          checkpoint(id),
                          "{\"parts\":[{\"part_number\":1,\"part_token\":\"\\\"a\\\"\"},"
                              + "{\"part_number\":1,\"part_token\":\"a\"}]}"));
              assertThat(res.status()).as(res.text()).isEqualTo(200);
              assertThat(res.json().get("num_checkpointed").asInt()).isEqualTo(1);
              JsonNode view = send(new Req("GET", UPLOADS + "/" + id)).json();
              assertThat(view.get("checkpointed_parts").toString()).isEqualTo("[1]");
              assertThat(send(new Req("POST", abort(id))).status()).isEqualTo(200);
            }));
    return tests.stream();
  }

  private void initiateStoresTheName(String name) {
    Res res =
        send(initiateReq(str(name), str("application/octet-stream"), String.valueOf(MIB), null));
    assertThat(res.status()).as(res.text()).isEqualTo(200);
    JsonNode body = res.json();
    assertThat(body.get("file_name").asText()).isEqualTo(name);
    String id = body.get("upload_id").asText();
    JsonNode view = send(new Req("GET", UPLOADS + "/" + id)).json();
    assertThat(view.get("file_name").asText()).isEqualTo(name);
    assertThat(view.get("file_name").asText().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(name.getBytes(StandardCharsets.UTF_8));
    String storageKey =
        QuarkusTransaction.requiringNew().call(() -> Upload.<Upload>findById(id).storageKey);
    assertThat(storageKey)
        .isEqualTo("orgs/" + organizationId() + "/files/" + body.get("file_uid").asText())
        .doesNotContain(name);
    for (JsonNode part : body.get("parts")) {
      assertThat(part.get("url").asText()).doesNotContain(name).doesNotContain(enc(name));
    }
    assertThat(send(new Req("POST", abort(id))).status()).isEqualTo(200);
  }

  private void simpleUploadStoresTheName(String name) {
    Res res = send(form(name, "text/plain", "content of " + name));
    assertThat(res.status()).as(res.text()).isEqualTo(200);
    JsonNode body = res.json();
    assertThat(body.get("file_id").asText()).isEqualTo(name);
    String fileUid = body.get("file_uid").asText();
    Res record = send(new Req("GET", "/v1/files/metadata/" + enc(name)));
    assertThat(record.status()).as(record.text()).isEqualTo(200);
    assertThat(record.json().get("file_id").asText().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(name.getBytes(StandardCharsets.UTF_8));
    assertThat(record.json().get("file_uid").asText()).isEqualTo(fileUid);
    String storageKey = "orgs/" + organizationId() + "/files/" + fileUid;
    var blobs = FilesTestResource.store().blobStore();
    assertThat(blobs.blobExists(FilesTestResource.BUCKET, storageKey)).isTrue();
    List<String> keys =
        blobs.list(FilesTestResource.BUCKET, ListContainerOptions.Builder.recursive()).stream()
            .map(StorageMetadata::getName)
            .toList();
    assertThat(keys).contains(storageKey).noneMatch(key -> key.contains(name));
    Res download = send(new Req("GET", "/v1/files/download/" + enc(name)));
    assertThat(download.status()).as(download.text()).isEqualTo(302);
    assertThat(download.header("location")).contains(storageKey);
    Res deleted = send(new Req("DELETE", "/v1/files/delete/" + enc(name)));
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
    assertThat(deleted.json().get("file_id").asText()).isEqualTo(name);
  }
}
