package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.PackagedApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document's license is the project's (proprietary) unless the operator states other
 * terms: the settings README's configuration table names take effect at run time, on the packaged
 * application, without a rebuild.
 */
class PackagedOpenApiLicenseIT {
  private static final String BUCKET = "license-test";

  @Test
  void operatorsStateTheirOwnTermsAtRunTime() throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(Optional.empty());
        EmbeddedStore store =
            EmbeddedStore.inMemory("license-access", "license-secret").start(0, BUCKET)) {
      List<String> options = new ArrayList<>(PackagedApp.databaseSettings(database));
      options.addAll(PackagedApp.storeSettings(store, BUCKET));
      options.add("-Dquarkus.smallrye-openapi.info-license-name=Apache License 2.0");
      options.add("-Dmp.openapi.extensions.smallrye.info.license.identifier=Apache-2.0");
      try (PackagedApp app = PackagedApp.start("packaged-license-", options)) {
        URI base = app.awaitReady(Duration.ofMinutes(2));
        HttpResponse<String> document =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(base.resolve("/q/openapi?format=json")).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(document.statusCode()).as(app.report()).isEqualTo(200);
        JsonNode license =
            new ObjectMapper().readTree(document.body()).path("info").path("license");
        assertThat(license.path("name").asText()).isEqualTo("Apache License 2.0");
        assertThat(license.path("identifier").asText()).isEqualTo("Apache-2.0");
        assertThat(license.has("url")).isFalse();
      }
    }
  }
}
