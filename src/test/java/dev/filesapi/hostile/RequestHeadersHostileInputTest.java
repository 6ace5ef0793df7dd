package dev.filesapi.hostile;

import static dev.filesapi.hostile.RawHttp.display;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.hostile.RawHttp.Req;
import dev.filesapi.hostile.RawHttp.Res;
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
 * What every endpoint checks before its body: the Authorization header, Content-Type, Accept, the
 * method, and the header bytes the HTTP codec refuses before any application code.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class RequestHeadersHostileInputTest extends AbstractHostileInputTest {
  @Override
  int minimumRejectedCases() {
    return 300;
  }

  @TestFactory
  Stream<DynamicTest> missingOrGarbageAuthorization() {
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("no header", null);
    variants.put("empty", "");
    variants.put("Bearer", "Bearer");
    variants.put("Bearer-space", "Bearer ");
    variants.put("Basic", "Basic abc");
    variants.put("unknown key", "Bearer fk_live_" + UUID.randomUUID().toString().replace("-", ""));
    variants.put("key with tab inside", "Bearer fk_live_\tabc");
    variants.put("10 KB value", "Bearer fk_live_" + "a".repeat(10 * 1024));
    variants.put("truncated key", "Bearer " + KEY.substring(0, KEY.length() - 1));
    variants.put("right key, wrong scheme", "Token " + KEY);
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, Req> endpoint : validRequests().entrySet()) {
      for (Map.Entry<String, String> variant : variants.entrySet()) {
        Req req = endpoint.getValue().copy().auth(variant.getValue());
        cases.add(
            expect(
                "auth " + variant.getKey() + ": " + endpoint.getKey(), req, 401, "unauthorized"));
      }
    }
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> wrongContentTypes() {
    Map<String, String> types = new LinkedHashMap<>();
    types.put("text/plain", "text/plain");
    types.put("application/xml", "application/xml");
    types.put("form-urlencoded", "application/x-www-form-urlencoded");
    types.put("multipart", "multipart/form-data; boundary=zz");
    types.put("octet-stream", "application/octet-stream");
    types.put("javascript", "application/javascript");
    types.put("text/json", "text/json");
    types.put("missing", null);
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, Req> endpoint : validRequests().entrySet()) {
      Req valid = endpoint.getValue();
      if (!valid.isJson()) {
        continue;
      }
      for (Map.Entry<String, String> type : types.entrySet()) {
        cases.add(
            expect(
                "content type " + type.getKey() + ": " + endpoint.getKey(),
                valid.copy().type(type.getValue()),
                415,
                "unsupported_media_type"));
      }
      for (String garbage :
          List.of("garbage", "/", "application/", "application/json/x", ";", "a b/c d")) {
        cases.add(
            expect(
                "content type " + garbage + ": " + endpoint.getKey(),
                valid.copy().type(garbage),
                415,
                "unsupported_media_type"));
      }
    }
    for (Map.Entry<String, String> type : types.entrySet()) {
      if (type.getValue() != null && type.getValue().startsWith("multipart/")) {
        continue;
      }
      cases.add(
          expect(
              "simple upload content type " + type.getKey(),
              new Req("POST", "/v1/files").type(type.getValue()).body("file=hello"),
              415,
              "unsupported_media_type"));
    }
    cases.add(
        expect(
            "simple upload multipart/mixed",
            new Req("POST", "/v1/files").type("multipart/mixed; boundary=zz").body("--zz--\r\n"),
            415,
            "unsupported_media_type"));
    return run(cases);
  }

  @TestFactory
  Stream<DynamicTest> unacceptableAcceptHeaders() {
    Map<String, Req> endpoints = new LinkedHashMap<>(validRequests());
    endpoints.remove("download");
    endpoints.remove("abort");
    endpoints.remove("delete");
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, Req> endpoint : endpoints.entrySet()) {
      for (String accept : List.of("text/html", "application/xml", "image/png")) {
        cases.add(
            expect(
                "Accept " + accept + ": " + endpoint.getKey(),
                endpoint.getValue().copy().header("Accept: " + accept),
                406,
                "not_acceptable"));
      }
      for (String accept : List.of("garbage", "/", "application/", "text/html;q=abc")) {
        cases.add(
            expect(
                "Accept " + accept + ": " + endpoint.getKey(),
                endpoint.getValue().copy().header("Accept: " + accept),
                null));
      }
    }
    return run(cases);
  }

  /**
   * Requests the HTTP codec (Netty, before any application code) refuses: a bare status without a
   * problem body is all that can be answered here, and it must still be a 4xx that leaks nothing.
   */
  @TestFactory
  Stream<DynamicTest> rejectedByTheHttpCodec() {
    Map<String, Object[]> cases = new LinkedHashMap<>();
    cases.put(
        "Authorization with a control character",
        new Object[] {new Req("GET", "/v1/files/info").auth("Bearer " + KEY + "\u0001"), 400});
    cases.put(
        "Authorization with a NUL",
        new Object[] {
          new Req("GET", UPLOADS + "/" + uploadId).auth("Bearer fk_live_\u0000abc"), 400
        });
    cases.put(
        "Authorization with DEL",
        new Object[] {new Req("GET", "/v1/files/info").auth("Bearer " + KEY + "\u007f"), 400});
    cases.put(
        "a header name with a space",
        new Object[] {new Req("GET", "/v1/files/info").header("Bad Header: 1"), 400});
    cases.put(
        "a 10 KB cursor",
        new Object[] {new Req("GET", UPLOADS + "?cursor=" + "A".repeat(10 * 1024)), 414});
    cases.put(
        "a 30 KB Authorization header",
        new Object[] {
          new Req("GET", "/v1/files/info").auth("Bearer " + "a".repeat(30 * 1024)), 431
        });
    return cases.entrySet().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    display(c.getKey()),
                    () -> {
                      codec.incrementAndGet();
                      Res res = send((Req) c.getValue()[0]);
                      assertThat(res.status()).as(c.getKey()).isEqualTo(c.getValue()[1]);
                      assertThat(res.text()).doesNotContain(KEY).doesNotContain("Exception");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> unsupportedMethods() {
    Map<String, List<String>> methods = new LinkedHashMap<>();
    methods.put(INITIATE, List.of("PUT", "PATCH", "DELETE"));
    methods.put(urls(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(checkpoint(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(complete(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(abort(uploadId), List.of("GET", "PUT", "PATCH", "DELETE"));
    methods.put(UPLOADS + "/" + uploadId, List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put(UPLOADS, List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/metadata", List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/metadata/" + enc(fileId), List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/info", List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/download/" + enc(fileId), List.of("POST", "PUT", "PATCH", "DELETE"));
    methods.put("/v1/files/delete/" + enc(fileId), List.of("GET", "POST", "PUT", "PATCH"));
    methods.put("/v1/files", List.of("GET", "PUT", "PATCH", "DELETE"));
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, List<String>> entry : methods.entrySet()) {
      for (String method : entry.getValue()) {
        Req req = new Req(method, entry.getKey());
        if (!method.equals("GET") && !method.equals("DELETE")) {
          req.body("{}");
        }
        cases.add(expect(method + " " + shorten(entry.getKey()), req, 405, "method_not_allowed"));
      }
    }
    for (String path : List.of(INITIATE, "/v1/files/info", "/v1/files/delete/" + enc(fileId))) {
      cases.add(expect("FOO " + shorten(path), new Req("FOO", path), 405, "method_not_allowed"));
    }
    return run(cases);
  }
}
