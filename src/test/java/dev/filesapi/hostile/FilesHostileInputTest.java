package dev.filesapi.hostile;

import dev.filesapi.hostile.RawHttp.Req;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Ids, queries and forms of the file and upload resources: SQL and junk in paths and query strings,
 * broken cursors, limits and shards out of range, forms that are not one file part.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class FilesHostileInputTest extends AbstractHostileInputTest {
  @Override
  int minimumRejectedCases() {
    return 150;
  }

  @TestFactory
  Stream<DynamicTest> sqlAndJunkInPathsAndQueries() {
    List<String> ids = new ArrayList<>(SQL);
    ids.add("upl_");
    ids.add("upl_" + "x".repeat(2000));
    ids.add("fil_" + UUID.randomUUID());
    ids.add(UUID.randomUUID().toString());
    ids.add("upl_0000000000000000000000000'");
    List<Case> cases = new ArrayList<>();
    for (String id : ids) {
      String path = enc(id);
      String label = id.length() > 40 ? id.substring(0, 40) + "…" : id;
      cases.add(
          expect("GET upload " + label, new Req("GET", UPLOADS + "/" + path), 404, "not_found"));
      cases.add(
          expect(
              "parts/urls of " + label,
              json("POST", urls(path), "{\"part_numbers\":[0]}"),
              404,
              "not_found"));
      cases.add(
          expect(
              "checkpoint of " + label,
              json(
                  "POST",
                  checkpoint(path),
                  "{\"parts\":[{\"part_number\":0,\"part_token\":\"\\\"a\\\"\"}]}"),
              404,
              "not_found"));
      cases.add(
          expect(
              "complete of " + label,
              json("POST", complete(path), "{\"parts\":[]}"),
              404,
              "not_found"));
      cases.add(expect("abort of " + label, new Req("POST", abort(path)), 404, "not_found"));
      cases.add(
          expect(
              "metadata of " + label,
              new Req("GET", "/v1/files/metadata/" + path),
              404,
              "not_found"));
      cases.add(
          expect(
              "download of " + label,
              new Req("GET", "/v1/files/download/" + path),
              404,
              "not_found"));
      cases.add(
          expect(
              "delete of " + label,
              new Req("DELETE", "/v1/files/delete/" + path),
              404,
              "not_found"));
    }
    // Control characters and encoded NULs in paths are no resource at all.
    for (String path :
        List.of(
            UPLOADS + "/upl_%00",
            UPLOADS + "/%0d%0aX-Injected:%201",
            "/v1/files/metadata/a%00b",
            "/v1/files/download/%1b%5b31m",
            "/v1/files/delete/a%7fb",
            urls("upl_%00"))) {
      Req req = path.endsWith("/urls") ? json("POST", path, "{\"part_numbers\":[0]}") : null;
      if (req == null) {
        req = new Req(path.contains("/delete/") ? "DELETE" : "GET", path);
      }
      cases.add(expect("control characters in path " + path, req, 404, "not_found"));
    }
    for (String value : SQL) {
      cases.add(
          validation(
              "initiate resume_if_started " + value,
              initiateReq(str("sql-" + UUID.randomUUID()), str("text/plain"), "1", str(value)),
              "resume_if_started"));
      cases.add(
          expect(
              "complete integrity_checksum " + value,
              json(
                  "POST",
                  complete(uploadId),
                  "{\"parts\":[],\"integrity_checksum\":" + str(value) + "}"),
              400,
              "checksum_not_supported"));
      cases.add(
          expect(
              "complete part_token " + value,
              json(
                  "POST",
                  complete(uploadId),
                  "{\"parts\":[{\"part_number\":0,\"part_token\":" + str(value) + "}]}"),
              400,
              "missing_parts",
              "invalid_part"));
    }
    for (String value : SQL) {
      String q = enc(value);
      cases.add(
          validation(
              "uploads status " + value, new Req("GET", UPLOADS + "?status=" + q), "status"));
      cases.add(
          validation("uploads limit " + value, new Req("GET", UPLOADS + "?limit=" + q), "limit"));
      cases.add(
          expect(
              "uploads cursor " + value,
              new Req("GET", UPLOADS + "?cursor=" + q),
              400,
              "invalid_cursor"));
      cases.add(
          validation(
              "metadata shard_index " + value,
              new Req("GET", "/v1/files/metadata?shard_index=" + q),
              "shard_index"));
      cases.add(
          validation(
              "metadata max_items_per_shard " + value,
              new Req("GET", "/v1/files/metadata?max_items_per_shard=" + q),
              "max_items_per_shard"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> badCursors() {
    Map<String, String> cursors = new LinkedHashMap<>();
    cursors.put("garbage", "!!!garbage!!!");
    cursors.put("spaces", "%20%20");
    cursors.put("padding only", "====");
    cursors.put("single padding", "=");
    cursors.put("one char", "A");
    cursors.put("base64 of junk", b64("junk"));
    cursors.put("base64 of a NUL", b64("\u0000"));
    cursors.put("base64 of a colon", b64(":"));
    cursors.put("base64 of colon and id", b64(":upl_x"));
    cursors.put("base64 of number only", b64("123"));
    cursors.put("base64 of number and colon", b64("123:"));
    cursors.put("base64 of a file id", b64("123:fil_x"));
    cursors.put("base64 of a non-number", b64("abc:upl_x"));
    cursors.put("base64 of an overflowing number", b64("99999999999999999999:upl_x"));
    cursors.put("base64 of a decimal", b64("1.5:upl_x"));
    cursors.put("base64 of a control char in the id", b64("123:upl_x\u0001"));
    cursors.put("base64 of a newline in the id", b64("123:upl_x\n"));
    cursors.put("standard base64 alphabet", "+/+/+/+/");
    cursors.put("the smallest timestamp", b64(Long.MIN_VALUE + ":upl_x"));
    cursors.put("the largest timestamp", b64(Long.MAX_VALUE + ":upl_x"));
    cursors.put("a timestamp in year 10000", b64("253402300800000000:upl_x"));
    cursors.put("a timestamp before year 1", b64("-62135596800000001:upl_x"));
    cursors.put("base64 of 300 chars", b64("123:upl_" + "x".repeat(300)));
    cursors.put("2 KB", "A".repeat(2048));
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, String> cursor : cursors.entrySet()) {
      String value = cursor.getValue();
      String q = value.startsWith("%") ? value : enc(value);
      cases.add(
          expect(
              "cursor " + cursor.getKey(),
              new Req("GET", UPLOADS + "?cursor=" + q),
              400,
              "invalid_cursor"));
    }
    cases.add(
        validation(
            "cursor with a raw control character",
            new Req("GET", UPLOADS + "?cursor=a%01b"),
            "cursor"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> badLimitsAndShards() {
    List<Case> cases = new ArrayList<>();
    for (String value :
        List.of(
            "0",
            "-1",
            "1001",
            "abc",
            "1.5",
            "99999999999999999999",
            "2147483648",
            "%20",
            "1e3",
            "0x10",
            "-0",
            "10%2010",
            "%E2%88%9E")) {
      cases.add(
          validation(
              "uploads limit " + value, new Req("GET", UPLOADS + "?limit=" + value), "limit"));
    }
    for (String value :
        List.of("IN_PROGRESS", "bogus", "in_progress%20", "%2A", "completed,aborted")) {
      cases.add(
          validation(
              "uploads status " + value, new Req("GET", UPLOADS + "?status=" + value), "status"));
    }
    for (String value : List.of("-2", "abc", "2147483648", "1.5", "-2147483649", "%20")) {
      cases.add(
          validation(
              "metadata shard_index " + value,
              new Req("GET", "/v1/files/metadata?max_items_per_shard=10&shard_index=" + value),
              "shard_index"));
    }
    for (String value : List.of("0", "-2", "1001", "abc", "99999999999", "1.5", "-1.0")) {
      cases.add(
          validation(
              "metadata max_items_per_shard " + value,
              new Req("GET", "/v1/files/metadata?max_items_per_shard=" + value),
              "max_items_per_shard"));
    }
    cases.add(
        validation(
            "metadata file_type with a control character",
            new Req("GET", "/v1/files/metadata?file_type=text%2Fplain%0d%0a"),
            "file_type"));
    cases.add(
        validation(
            "control character in a parameter name",
            new Req("GET", UPLOADS + "?li%01mit=5"),
            "query"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> hostileForms() {
    List<Case> cases = new ArrayList<>();
    String boundary = "hostile-boundary";
    String type = "multipart/form-data; boundary=" + boundary;
    cases.add(
        validation(
            "form without a file part",
            new Req("POST", "/v1/files")
                .type(type)
                .body(
                    "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n--"
                        + boundary
                        + "--\r\n"),
            "file"));
    String twoParts =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a.txt\"\r\n\r\nA\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b.txt\"\r\n\r\nB\r\n--"
            + boundary
            + "--\r\n";
    cases.add(
        validation(
            "form with two file parts",
            new Req("POST", "/v1/files").type(type).body(twoParts),
            "file"));
    cases.add(
        expect(
            "form with an empty body",
            new Req("POST", "/v1/files").type(type).body(""),
            400,
            "validation_failed",
            "malformed_body"));
    cases.add(
        expect(
            "form that breaks off",
            new Req("POST", "/v1/files")
                .type(type)
                .body(
                    "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n\r\nhalf"),
            400,
            "malformed_body",
            "validation_failed"));
    cases.add(
        expect(
            "form of garbage",
            new Req("POST", "/v1/files").type(type).body("garbage garbage garbage"),
            400,
            "malformed_body",
            "validation_failed"));
    cases.add(
        expect(
            "form without a boundary parameter",
            new Req("POST", "/v1/files").type("multipart/form-data").body(twoParts),
            null));
    cases.add(
        expect(
            "form with another boundary than declared",
            new Req("POST", "/v1/files").type("multipart/form-data; boundary=other").body(twoParts),
            400,
            "malformed_body",
            "validation_failed"));
    cases.add(
        expect(
            "form with an empty filename",
            new Req("POST", "/v1/files")
                .type(type)
                .body(
                    "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\nx\r\n--"
                        + boundary
                        + "--\r\n"),
            400,
            "validation_failed"));
    cases.add(
        expect(
            "form with a 300-character boundary",
            new Req("POST", "/v1/files")
                .type("multipart/form-data; boundary=" + "b".repeat(300))
                .body("--" + "b".repeat(300) + "--\r\n"),
            400,
            "validation_failed",
            "malformed_body"));
    return run(cases);
  }
}
