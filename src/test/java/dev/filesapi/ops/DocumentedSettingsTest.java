package dev.filesapi.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.upload.JanitorConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code files.*} setting of the configuration table (docs/configuration.md), set as a
 * property, is accepted at startup. A {@code @ConfigMapping} owns its whole prefix: a documented
 * key its interface does not declare (as {@code files.janitor.interval} once was) fails the start
 * with SRCFG00050.
 */
@QuarkusTest
@TestProfile(DocumentedSettingsTest.EveryDocumentedSetting.class)
@WithTestResource(FilesTestResource.class)
class DocumentedSettingsTest {
  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `(files\\.[a-z0-9.-]+)` \\| `[A-Z0-9_]+` \\| ([^|]*) \\|", Pattern.MULTILINE);
  static final Path CONFIGURATION_PAGE = Path.of("docs/configuration.md");
  private static final Pattern LITERAL = Pattern.compile("^`([^`]+)`");

  /** Values for the documented keys whose default is not a literal (or not harmless here). */
  private static final Map<String, String> SAMPLES =
      Map.ofEntries(
          Map.entry("files.storage.bucket", FilesTestResource.BUCKET),
          Map.entry("files.gcs.project-id", "files-api-test"),
          Map.entry("files.storage.azure.connection-string", "UseDevelopmentStorage=true"),
          Map.entry("files.gcs.hmac.access-id", "GOOG1EXAMPLEACCESSID"),
          Map.entry("files.gcs.hmac.secret", "example-hmac-secret"),
          Map.entry("files.bootstrap.api-key", FilesTestResource.API_KEY),
          Map.entry("files.admin.token", FilesTestResource.ADMIN_TOKEN),
          Map.entry("files.janitor.interval", "45s"),
          Map.entry("files.hooks.pre-initiate-url", "http://127.0.0.1:9/pre-initiate"),
          Map.entry("files.hooks.pre-complete-url", "http://127.0.0.1:9/pre-complete"),
          Map.entry("files.hooks.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
          Map.entry("files.webhooks.secret-key", "VLIQyfYTDVO3ZMf/hnaQ6Qxnm5/IUhjup2wvcuUPevc="),
          Map.entry(
              "files.webhooks.previous-secret-keys",
              "8LyV2N8Rw2Z2yAAHdDZxqgZxXOekhzuOI3s62UNehN0="));

  /** The configuration page's {@code files.*} keys, each with its literal default or its sample. */
  static Map<String, String> documentedSettings() {
    String page;
    try {
      page = Files.readString(CONFIGURATION_PAGE, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    Matcher row = ROW.matcher(page);
    while (row.find()) {
      String key = row.group(1);
      Matcher literal = LITERAL.matcher(row.group(2).strip());
      String value =
          SAMPLES.containsKey(key) ? SAMPLES.get(key) : literal.find() ? literal.group(1) : null;
      if (value == null) {
        throw new AssertionError(
            CONFIGURATION_PAGE
                + " documents "
                + key
                + " without a literal default: give this test a sample");
      }
      settings.put(key, value);
    }
    return settings;
  }

  public static class EveryDocumentedSetting implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return documentedSettings();
    }
  }

  @Inject JanitorConfig janitor;

  @Test
  void theServiceStartsWithEveryDocumentedSettingSet() {
    Map<String, String> settings = documentedSettings();
    assertThat(settings)
        .containsEntry("files.janitor.interval", "45s")
        .containsKeys("files.webhooks.dispatch-interval", "files.storage.timeout.control");
    assertThat(settings).hasSizeGreaterThan(40);
    given().get("/q/health/live").then().statusCode(200);
    assertThat(janitor.interval()).isEqualTo("45s");
  }
}
