package dev.filesapi.hostile;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Part numbers, part lists and part entries of parts/urls, checkpoint and complete (and the
 * initiate fields of the wrong JSON type): wrong types, numbers out of every range, lists over the
 * 10,000 limit.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UploadPartsHostileInputTest extends AbstractHostileInputTest {
  @Override
  int minimumRejectedCases() {
    return 150;
  }

  @TestFactory
  Stream<DynamicTest> wrongTypes() {
    List<Case> cases = new ArrayList<>();
    String name = str("wrong-types-" + UUID.randomUUID());
    String type = str("application/octet-stream");
    for (String value : List.of("{}", "[]", "[\"a\"]", "{\"a\":\"b\"}", "null")) {
      cases.add(
          validation(
              "initiate filename " + value, initiateReq(value, type, "1", null), "filename"));
    }
    for (String value : List.of("{}", "[]", "null", "123", "true", "1.5", "[\"text/plain\"]")) {
      cases.add(
          validation(
              "initiate file_type " + value, initiateReq(name, value, "1", null), "file_type"));
    }
    for (String value :
        List.of(
            "\"abc\"",
            "\"\"",
            "\"0x10\"",
            "\"1 000\"",
            "{}",
            "[]",
            "[1]",
            "true",
            "false",
            "null",
            "{\"value\":1}")) {
      cases.add(
          validation(
              "initiate num_bytes " + value, initiateReq(name, type, value, null), "num_bytes"));
    }
    for (String value : List.of("\"maybe\"", "\"yes\"", "{}", "[]", "[true]", "2", "\"\"")) {
      cases.add(
          validation(
              "initiate resume_if_started " + value,
              initiateReq(name, type, "1", value),
              "resume_if_started"));
    }
    for (String value :
        List.of(
            "\"0\"",
            "0",
            "{}",
            "{\"0\":0}",
            "true",
            "null",
            "\"[0]\"",
            "[null]",
            "[\"a\"]",
            "[{}]",
            "[[0]]",
            "[true]",
            "[\"\"]")) {
      cases.add(
          expect(
              "parts/urls part_numbers " + value,
              json("POST", urls(uploadId), "{\"part_numbers\":" + value + "}"),
              400,
              "validation_failed"));
    }
    List<String> badEntries =
        List.of(
            "{}",
            "\"x\"",
            "1",
            "true",
            "{\"part_number\":0,\"part_token\":\"\\\"x\\\"\"}",
            "[null]",
            "[1]",
            "[\"x\"]",
            "[[]]",
            "[{\"part_number\":\"a\",\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":[0],\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":{},\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":true,\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":0,\"part_token\":{}}]",
            "[{\"part_number\":0,\"part_token\":[]}]",
            "[{\"part_number\":0,\"part_token\":[\"x\"]}]",
            "[{\"part_number\":null,\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":0,\"part_token\":null}]",
            "[{\"part_number\":0}]",
            "[{\"part_token\":\"\\\"x\\\"\"}]",
            "[{\"part_number\":0,\"part_token\":\"\"}]",
            "[{\"part_number\":0,\"part_token\":\"   \"}]",
            "[{\"part_number\":0,\"part_token\":\"" + "a".repeat(1025) + "\"}]",
            "[{\"part_number\":0,\"part_token\":\"a\\u0000b\"}]",
            "[{\"part_number\":0,\"part_token\":\"a\\r\\nX-Injected: 1\"}]");
    for (String value : badEntries) {
      cases.add(
          expect(
              "checkpoint parts " + value,
              json("POST", checkpoint(uploadId), "{\"parts\":" + value + "}"),
              400,
              "validation_failed"));
      if (!value.equals("null")) {
        cases.add(
            expect(
                "complete parts " + value,
                json("POST", complete(uploadId), "{\"parts\":" + value + "}"),
                400,
                "validation_failed"));
      }
    }
    for (String value : List.of("{}", "[]", "[\"AAAAAA==\"]", "{\"value\":\"AAAAAA==\"}")) {
      cases.add(
          expect(
              "complete integrity_checksum " + value,
              json(
                  "POST",
                  complete(uploadId),
                  "{\"parts\":[],\"integrity_checksum\":" + value + "}"),
              400,
              "validation_failed"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> hugeOddAndOutOfRangeNumbers() {
    List<Case> cases = new ArrayList<>();
    String name = str("huge-" + UUID.randomUUID());
    String type = str("application/octet-stream");
    List<String> numbers =
        List.of(
            "1e400",
            "-1e400",
            "1E+400",
            "99999999999999999999999",
            "-99999999999999999999999",
            "9223372036854775808",
            "-9223372036854775809",
            "9223372036854775807",
            "-9223372036854775808",
            "250000000001",
            "1000.5",
            "0.5",
            "-0.5",
            "1.0000000001",
            "4.9e-324",
            "0",
            "-0",
            "-1",
            "-250000000000",
            "0.0");
    for (String value : numbers) {
      cases.add(
          validation(
              "initiate num_bytes " + value, initiateReq(name, type, value, null), "num_bytes"));
    }
    List<String> partNumbers =
        List.of(
            "1e400",
            "99999999999999999999999",
            "-9223372036854775809",
            "9223372036854775807",
            "2147483648",
            "-2147483649",
            "2147483647",
            "-2147483648",
            "1000.5",
            "0.5",
            "-1",
            "3",
            "10000",
            "1e9");
    for (String value : partNumbers) {
      cases.add(
          expect(
              "parts/urls part number " + value,
              json("POST", urls(uploadId), "{\"part_numbers\":[0," + value + "]}"),
              400,
              "validation_failed"));
      String entry = "{\"part_number\":" + value + ",\"part_token\":\"\\\"abc\\\"\"}";
      cases.add(
          expect(
              "checkpoint part number " + value,
              json("POST", checkpoint(uploadId), "{\"parts\":[" + entry + "]}"),
              400,
              "validation_failed"));
      cases.add(
          expect(
              "complete part number " + value,
              json("POST", complete(uploadId), "{\"parts\":[" + entry + "]}"),
              400,
              "validation_failed"));
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> partNumberListsOverTheLimit() {
    List<Case> cases = new ArrayList<>();
    String numbers10001 =
        IntStream.range(0, 10_001).mapToObj(i -> "0").collect(Collectors.joining(","));
    String distinct10001 =
        IntStream.range(0, 10_001).mapToObj(Integer::toString).collect(Collectors.joining(","));
    String entries10001 =
        IntStream.range(0, 10_001)
            .mapToObj(i -> "{\"part_number\":" + (i % 3) + ",\"part_token\":\"\\\"abc\\\"\"}")
            .collect(Collectors.joining(","));
    cases.add(
        validation(
            "parts/urls 10,001 duplicates of 0",
            json("POST", urls(uploadId), "{\"part_numbers\":[" + numbers10001 + "]}"),
            "part_numbers"));
    cases.add(
        expect(
            "parts/urls 10,001 distinct numbers",
            json("POST", urls(uploadId), "{\"part_numbers\":[" + distinct10001 + "]}"),
            400,
            "validation_failed"));
    cases.add(
        validation(
            "parts/urls empty list",
            json("POST", urls(uploadId), "{\"part_numbers\":[]}"),
            "part_numbers"));
    cases.add(
        validation(
            "checkpoint 10,001 entries",
            json("POST", checkpoint(uploadId), "{\"parts\":[" + entries10001 + "]}"),
            "parts"));
    cases.add(
        validation(
            "complete 10,001 entries",
            json("POST", complete(uploadId), "{\"parts\":[" + entries10001 + "]}"),
            "parts"));
    cases.add(
        expect(
            "parts/urls duplicates with one out of range",
            json("POST", urls(uploadId), "{\"part_numbers\":[0,0,1,1,3,3]}"),
            400,
            "validation_failed"));
    cases.add(
        expect(
            "checkpoint duplicates with one out of range",
            json(
                "POST",
                checkpoint(uploadId),
                "{\"parts\":[{\"part_number\":0,\"part_token\":\"\\\"a\\\"\"},"
                    + "{\"part_number\":0,\"part_token\":\"\\\"b\\\"\"},"
                    + "{\"part_number\":3,\"part_token\":\"\\\"c\\\"\"}]}"),
            400,
            "validation_failed"));
    cases.add(
        expect(
            "parts/urls all out of range",
            json("POST", urls(uploadId), "{\"part_numbers\":[3,4,5,-1,-2]}"),
            400,
            "validation_failed"));
    return run(cases);
  }
}
