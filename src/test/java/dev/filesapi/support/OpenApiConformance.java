package dev.filesapi.support;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.OpenApi31;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks every answer the tests get through rest-assured against the OpenAPI document (the
 * committed snapshot, which {@code OpenApiSnapshotTest} keeps equal to what the service serves):
 * the status is documented for the operation, and a JSON body is valid against the schema the
 * document gives for that status and media type. A disagreement fails the test that made the call.
 * {@code -Dopenapi.conformance=off} turns the check off; {@code =report} appends disagreements to
 * {@code target/openapi-conformance.txt} instead of failing.
 */
public final class OpenApiConformance implements Filter {
  private static final Path DOCUMENT = Path.of("src/test/resources/openapi/files-api.json");
  private static final String IRI = "https://files-api.test/openapi.json";
  private static final OpenApiConformance INSTANCE = new OpenApiConformance();

  private final tools.jackson.databind.JsonNode document;
  private final SchemaRegistry registry;
  private final List<Template> templates = new ArrayList<>();
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
  private final tools.jackson.databind.ObjectMapper json =
      new tools.jackson.databind.ObjectMapper();

  /** A documented path, as a pattern over request paths. */
  private record Template(String path, Pattern pattern, int parameters) {}

  private OpenApiConformance() {
    String text;
    try {
      text = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    document = json.readTree(text);
    registry =
        SchemaRegistry.withDialect(OpenApi31.getInstance(), b -> b.schemas(Map.of(IRI, text)));
    Iterator<String> paths = document.path("paths").propertyNames().iterator();
    while (paths.hasNext()) {
      String path = paths.next();
      int parameters = 0;
      StringBuilder pattern = new StringBuilder();
      for (String segment : path.split("(?=\\{)|(?<=\\})")) {
        if (segment.startsWith("{")) {
          parameters++;
          pattern.append(path.endsWith(segment) ? ".+" : "[^/]+");
        } else {
          pattern.append(Pattern.quote(segment));
        }
      }
      templates.add(new Template(path, Pattern.compile(pattern.toString()), parameters));
    }
    // Literal paths before templated ones (/uploads/initiate before /uploads/{upload_id}), and
    // longer before shorter (/{organization_id}/api-keys before /{organization_id}).
    templates.sort(
        Comparator.comparingInt(Template::parameters).thenComparing(t -> -t.path().length()));
  }

  /** Installs the check for every rest-assured call of this JVM (once). */
  public static synchronized void install() {
    if ("off".equals(System.getProperty("openapi.conformance"))) {
      return;
    }
    if (!io.restassured.RestAssured.filters().contains(INSTANCE)) {
      io.restassured.RestAssured.filters(INSTANCE);
    }
  }

  @Override
  public Response filter(
      FilterableRequestSpecification request,
      FilterableResponseSpecification responseSpec,
      FilterContext context) {
    Response response = context.next(request, responseSpec);
    String path = URI.create(request.getURI()).getRawPath();
    if (path.startsWith("/v1/")) {
      try {
        check(request.getMethod(), path, response);
      } catch (AssertionError e) {
        if (!"report".equals(System.getProperty("openapi.conformance"))) {
          throw e;
        }
        try {
          Files.writeString(
              Path.of("target/openapi-conformance.txt"),
              e.getMessage() + "\n",
              StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException io) {
          throw new UncheckedIOException(io);
        }
      }
    }
    return response;
  }

  private void check(String method, String path, Response response) {
    String call = method + " " + path + " -> " + response.statusCode();
    tools.jackson.databind.JsonNode operation = operation(method, path);
    if (operation == null) {
      // A path or method the document does not describe: 404 or 405 from the framework.
      if (response.statusCode() != 404 && response.statusCode() != 405) {
        throw new AssertionError(call + ": no such operation in the OpenAPI document");
      }
      return;
    }
    String status = String.valueOf(response.statusCode());
    tools.jackson.databind.JsonNode answer = operation.path("responses").path(status);
    String pointer = "/responses/" + status;
    if (answer.isMissingNode()) {
      answer = operation.path("responses").path("default");
      pointer = "/responses/default";
    }
    if (answer.isMissingNode()) {
      throw new AssertionError(
          call
              + ": status not documented for "
              + operationId(operation)
              + " "
              + abbreviate(response));
    }
    String contentType = response.contentType();
    if (contentType == null || contentType.isEmpty()) {
      return;
    }
    String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.endsWith("json")) {
      return;
    }
    tools.jackson.databind.JsonNode content = answer.path("content").path(mediaType);
    if (content.isMissingNode()) {
      throw new AssertionError(
          call
              + ": "
              + mediaType
              + " is not documented for this status of "
              + operationId(operation));
    }
    if (content.path("schema").isMissingNode()) {
      return;
    }
    String location =
        IRI
            + "#/paths/"
            + escape(templateOf(method, path))
            + "/"
            + method.toLowerCase(Locale.ROOT)
            + pointer
            + "/content/"
            + escape(mediaType)
            + "/schema";
    Schema schema =
        schemas.computeIfAbsent(location, l -> registry.getSchema(SchemaLocation.of(l)));
    tools.jackson.databind.JsonNode body = json.readTree(response.asString());
    List<Error> errors = schema.validate(body);
    if (!errors.isEmpty()) {
      throw new AssertionError(
          call
              + ": body does not match the documented schema: "
              + errors
              + " "
              + abbreviate(response));
    }
  }

  private tools.jackson.databind.JsonNode operation(String method, String path) {
    String template = templateOf(method, path);
    return template == null
        ? null
        : document.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
  }

  private String templateOf(String method, String path) {
    for (Template template : templates) {
      if (template.pattern().matcher(path).matches()
          && document.path("paths").path(template.path()).has(method.toLowerCase(Locale.ROOT))) {
        return template.path();
      }
    }
    return null;
  }

  private static String operationId(tools.jackson.databind.JsonNode operation) {
    return operation.path("operationId").asString("?");
  }

  /** A JSON pointer segment. */
  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  private static String abbreviate(Response response) {
    String body = response.asString();
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }
}
