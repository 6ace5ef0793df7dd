package dev.filesapi.hostile;

import dev.filesapi.hostile.RawHttp.Req;
import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The admin API (organizations, quotas, API keys): credentials other than the admin token, and
 * organization bodies it must refuse.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class AdminHostileInputTest extends AbstractHostileInputTest {
  @Override
  int minimumRejectedCases() {
    return 50;
  }

  @TestFactory
  Stream<DynamicTest> adminApi() {
    String orgs = "/v1/admin/organizations";
    String admin = "Bearer " + FilesTestResource.ADMIN_TOKEN;
    List<Case> cases = new ArrayList<>();
    Map<String, Req> endpoints = new LinkedHashMap<>();
    endpoints.put("create organization", json("POST", orgs, "{\"name\":\"x\"}"));
    endpoints.put("list organizations", new Req("GET", orgs));
    endpoints.put("get organization", new Req("GET", orgs + "/org_x"));
    endpoints.put("set quotas", json("PUT", orgs + "/org_x/quotas", "{}"));
    endpoints.put("create key", json("POST", orgs + "/org_x/api-keys", "{\"name\":\"k\"}"));
    endpoints.put("list keys", new Req("GET", orgs + "/org_x/api-keys"));
    endpoints.put("revoke key", new Req("DELETE", orgs + "/org_x/api-keys/key_x"));
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("no header", null);
    credentials.put("an API key", "Bearer " + KEY);
    credentials.put("wrong token", "Bearer not-the-admin-token");
    credentials.put("token as Basic", "Basic " + FilesTestResource.ADMIN_TOKEN);
    credentials.put("token prefix", admin.substring(0, admin.length() - 1));
    for (Map.Entry<String, Req> endpoint : endpoints.entrySet()) {
      for (Map.Entry<String, String> credential : credentials.entrySet()) {
        cases.add(
            expect(
                "admin " + credential.getKey() + ": " + endpoint.getKey(),
                endpoint.getValue().copy().auth(credential.getValue()),
                401,
                "unauthorized"));
      }
    }
    Map<String, String> badOrganizations = new LinkedHashMap<>();
    badOrganizations.put("empty name", "{\"name\":\"\"}");
    badOrganizations.put("blank name", "{\"name\":\"   \"}");
    badOrganizations.put("no name", "{}");
    badOrganizations.put("name as number", "{\"name\":42}");
    badOrganizations.put("name with newline", "{\"name\":\"a\\nb\"}");
    badOrganizations.put("201-char name", "{\"name\":\"" + "n".repeat(201) + "\"}");
    badOrganizations.put("zero uploads", "{\"name\":\"x\",\"max_in_progress_uploads\":0}");
    badOrganizations.put("negative bytes", "{\"name\":\"x\",\"max_file_bytes\":-1}");
    badOrganizations.put("bytes over 250 GB", "{\"name\":\"x\",\"max_file_bytes\":250000000001}");
    badOrganizations.put("huge number", "{\"name\":\"x\",\"max_file_bytes\":1e400}");
    badOrganizations.put("decimal quota", "{\"name\":\"x\",\"max_in_progress_uploads\":1.5}");
    badOrganizations.put("broken JSON", "{\"name\":");
    badOrganizations.put("array body", "[]");
    for (Map.Entry<String, String> body : badOrganizations.entrySet()) {
      cases.add(
          expect(
              "admin create organization, " + body.getKey(),
              json("POST", orgs, body.getValue()).auth(admin),
              400,
              "validation_failed",
              "malformed_json"));
    }
    cases.add(
        expect(
            "admin key for an unknown organization",
            json("POST", orgs + "/org_unknown/api-keys", "{\"name\":\"k\"}").auth(admin),
            404,
            "not_found"));
    cases.add(
        expect(
            "admin SQL-ish organization id",
            new Req("GET", orgs + "/" + enc("' OR 1=1 --")).auth(admin),
            404,
            "not_found"));
    cases.add(
        expect(
            "admin quotas as text/plain",
            new Req("PUT", orgs + "/org_x/quotas").type("text/plain").body("{}").auth(admin),
            415,
            "unsupported_media_type"));
    return run(cases);
  }
}
