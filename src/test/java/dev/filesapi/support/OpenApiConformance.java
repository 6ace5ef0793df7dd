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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks the tests' answers against the OpenAPI document (the committed snapshot, which {@code
 * OpenApiSnapshotTest} keeps equal to what the service serves): the status is documented for the
 * operation, the media type is documented for that status, a body is there exactly when the
 * document declares one for that status, and a JSON body is valid against the schema the document
 * gives for that status and media type. A disagreement fails the test that made the call. {@code
 * -Dopenapi.conformance=off} turns the check off; {@code =report} appends disagreements to {@code
 * target/openapi-conformance.txt} instead of failing.
 *
 * <p>Every client of the tests goes through one code path, {@link #check}: rest-assured through
 * this class as a global filter ({@link #install}), {@code java.net.http} through {@link
 * ConformingHttpClient}, and raw sockets by calling {@link #check} with what they read. {@link
 * #violations} answers the same findings as a list, without failing. What is deliberately not
 * checked is decided in one place, {@link #exemption}, each with its reason.
 */
public final class OpenApiConformance implements Filter {
  private static final Path DOCUMENT = Path.of("src/test/resources/openapi/files-api.json");
  private static final String IRI = "https://files-api.test/openapi.json";
  private static final OpenApiConformance INSTANCE = new OpenApiConformance();

  /** The API's base path (quarkus.rest.path): everything the document describes is under it. */
  private static final String API_BASE = "/v1/";

  /** What the HTTP codec answers, without a body, before any application code (docs/api.md). */
  private static final Set<Integer> CODEC_REFUSALS = Set.of(400, 414, 431);

  /** What a path or method the document does not describe may be answered (see {@link #find}). */
  private static final Set<Integer> UNROUTED = Set.of(400, 404, 405, 413, 415);

  private final tools.jackson.databind.JsonNode document;
  private final SchemaRegistry registry;
  private final List<Template> templates = new ArrayList<>();
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
  private final tools.jackson.databind.ObjectMapper json =
      new tools.jackson.databind.ObjectMapper();

  /**
   * A documented path, as patterns over request paths: {@code strict}, each parameter one segment;
   * {@code greedy}, the last parameter taking the rest of the path (a file id may hold slashes).
   */
  private record Template(String path, Pattern strict, Pattern greedy, int parameters) {}

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
      StringBuilder strict = new StringBuilder();
      StringBuilder greedy = new StringBuilder();
      for (String segment : path.split("(?=\\{)|(?<=\\})")) {
        if (segment.startsWith("{")) {
          parameters++;
          strict.append("[^/]+");
          greedy.append(path.endsWith(segment) ? ".+" : "[^/]+");
        } else {
          strict.append(Pattern.quote(segment));
          greedy.append(Pattern.quote(segment));
        }
      }
      templates.add(
          new Template(
              path,
              Pattern.compile(strict.toString()),
              Pattern.compile(greedy.toString()),
              parameters));
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

  /** The rest-assured filter, for a call that does not go through the global filters. */
  public static Filter filter() {
    return INSTANCE;
  }

  @Override
  public Response filter(
      FilterableRequestSpecification request,
      FilterableResponseSpecification responseSpec,
      FilterContext context) {
    Response response = context.next(request, responseSpec);
    URI uri = URI.create(request.getURI());
    check(
        request.getMethod(),
        target(uri),
        response.statusCode(),
        response.contentType(),
        response.asByteArray());
    return response;
  }

  /** The raw path and query of a URI, as a request line carries them. */
  static String target(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  /**
   * Checks one answer against the document: does nothing when it conforms or is exempt, else fails
   * with an {@link AssertionError} naming every disagreement ({@code -Dopenapi.conformance=report}:
   * appends them to {@code target/openapi-conformance.txt} instead; {@code =off}: nothing).
   *
   * @param method the request's method
   * @param target the request's raw path and query, as sent ({@code /v1/files/metadata?x=1})
   * @param status the answer's status
   * @param contentType the answer's Content-Type, or null
   * @param body the answer's body as received, or null when it was not read (a redirect's)
   */
  public static void check(
      String method, String target, int status, String contentType, byte[] body) {
    String mode = System.getProperty("openapi.conformance", "fail");
    if ("off".equals(mode)) {
      return;
    }
    List<String> violations = violations(method, target, status, contentType, body);
    if (violations.isEmpty()) {
      return;
    }
    String message = String.join("\n", violations);
    if (!"report".equals(mode)) {
      throw new AssertionError(message);
    }
    try {
      Files.writeString(
          Path.of("target/openapi-conformance.txt"),
          message + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
  }

  /**
   * What {@link #check} finds wrong with one answer, whatever the mode: empty when it conforms or
   * is exempt.
   */
  public static List<String> violations(
      String method, String target, int status, String contentType, byte[] body) {
    return INSTANCE.find(method.toUpperCase(Locale.ROOT), target, status, contentType, body);
  }

  /** How much of an answer {@link #exemption} leaves unchecked. */
  enum Exempt {
    /** Nothing: the answer is checked. */
    NONE,
    /** The whole answer. */
    ANSWER,
    /** The body and its media type: the status is still checked. */
    BODY
  }

  /**
   * What of an answer is deliberately not checked against the document. Every exemption is here.
   */
  static Exempt exemption(
      String operationId, String path, int status, String contentType, byte[] body) {
    if (!path.startsWith(API_BASE)) {
      // /q/health, /q/metrics, /q/openapi, and the object store's presigned URLs (part PUTs,
      // downloads following the 302): not the API, and not what the document describes.
      return Exempt.ANSWER;
    }
    if (CODEC_REFUSALS.contains(status)
        && (body == null || body.length == 0)
        && (contentType == null || contentType.isEmpty())) {
      // The HTTP codec (Netty) refuses a request line or headers it cannot take (too long: 414,
      // 431; a control character or a space in a header: 400) before any application code runs:
      // a bare status is all it can answer, on any path (docs/api.md, error table). Documenting it
      // on
      // every operation would say nothing about the operations.
      return Exempt.ANSWER;
    }
    if ("downloadFile".equals(operationId) && status / 100 == 2) {
      // A streamed download's body is the stored file, under the Content-Type it was uploaded
      // with: any media type, any bytes. The document says application/octet-stream for all.
      return Exempt.BODY;
    }
    return Exempt.NONE;
  }

  private List<String> find(
      String method, String target, int status, String contentType, byte[] body) {
    int query = target.indexOf('?');
    String path = routed(query < 0 ? target : target.substring(0, query));
    tools.jackson.databind.JsonNode operation = operation(method, path);
    Exempt exempt =
        exemption(
            operation == null ? null : operationId(operation), path, status, contentType, body);
    if (exempt == Exempt.ANSWER) {
      return List.of();
    }
    String call = method + " " + path + " -> " + status;
    if (operation == null) {
      // A path or method the document does not describe: 404 or 405 from the router, or what the
      // service refuses before routing (a Content-Length that is not a number, a body over the
      // limit, a Content-Type that is not a media type). Either way a problem.
      if (!UNROUTED.contains(status)) {
        return List.of(call + ": no such operation in the OpenAPI document " + abbreviate(body));
      }
      if (body == null || body.length == 0) {
        return List.of();
      }
      String mediaType =
          contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (!mediaType.equals("application/problem+json")) {
        return List.of(call + ": " + mediaType + " is not a problem " + abbreviate(body));
      }
      return validate(call, IRI + "#/components/schemas/Problem", body);
    }
    String key = String.valueOf(status);
    tools.jackson.databind.JsonNode answer = operation.path("responses").path(key);
    String pointer = "/responses/" + key;
    if (answer.isMissingNode()) {
      answer = operation.path("responses").path("default");
      pointer = "/responses/default";
    }
    if (answer.isMissingNode()) {
      return List.of(
          call + ": status not documented for " + operationId(operation) + " " + abbreviate(body));
    }
    if (exempt == Exempt.BODY || body == null) {
      return List.of();
    }
    tools.jackson.databind.JsonNode declared = answer.path("content");
    boolean documentsBody = declared.size() > 0;
    if (body.length == 0) {
      // A generated client parses the declared body: an answer without one breaks it (issue 27).
      return documentsBody && !method.equals("HEAD")
          ? List.of(
              call
                  + ": no body, while the document declares "
                  + declared.propertyNames()
                  + " for this status of "
                  + operationId(operation))
          : List.of();
    }
    if (!documentsBody) {
      return List.of(
          call
              + ": a body, while the document declares none for this status of "
              + operationId(operation)
              + " "
              + abbreviate(body));
    }
    if (contentType == null || contentType.isEmpty()) {
      return List.of(call + ": a body without a Content-Type " + abbreviate(body));
    }
    String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    tools.jackson.databind.JsonNode content = answer.path("content").path(mediaType);
    if (content.isMissingNode()) {
      return List.of(
          call
              + ": "
              + mediaType
              + " is not documented for this status of "
              + operationId(operation)
              + " "
              + abbreviate(body));
    }
    if (!mediaType.endsWith("json") || content.path("schema").isMissingNode()) {
      return List.of();
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
    return validate(call, location, body);
  }

  /** The body's disagreements with the schema at this location. */
  private List<String> validate(String call, String location, byte[] body) {
    Schema schema =
        schemas.computeIfAbsent(location, l -> registry.getSchema(SchemaLocation.of(l)));
    tools.jackson.databind.JsonNode parsed;
    try {
      parsed = json.readTree(body);
    } catch (tools.jackson.core.JacksonException e) {
      return List.of(
          call + ": the body is not JSON: " + e.getOriginalMessage() + " " + abbreviate(body));
    }
    List<Error> errors = schema.validate(parsed);
    if (errors.isEmpty()) {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    for (Error error : errors) {
      found.add(call + ": body does not match the documented schema: " + error);
    }
    found.set(found.size() - 1, found.get(found.size() - 1) + " " + abbreviate(body));
    return found;
  }

  /**
   * The path as the router resolves it: empty segments dropped ({@code //} is {@code /}) and a
   * trailing slash ignored, so {@code GET /v1/webhooks/} is listWebhooks and {@code POST
   * /v1/files/uploads//abort} is POST on {@code /v1/files/uploads/abort} (a 405). An upload token
   * in the path ({@code /v1/uppy/t/<token>/s3/…}) is served as {@code /v1/uppy/s3/…}
   * (uppy.TokenPath).
   */
  static String routed(String path) {
    String collapsed =
        path.replaceAll("/{2,}", "/").replaceFirst("^(.*)/uppy/t/[^/]+/s3/", "$1/uppy/s3/");
    return collapsed.length() > 1 && collapsed.endsWith("/")
        ? collapsed.substring(0, collapsed.length() - 1)
        : collapsed;
  }

  private tools.jackson.databind.JsonNode operation(String method, String path) {
    String template = templateOf(method, path);
    return template == null
        ? null
        : document.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
  }

  /**
   * The documented path the request path falls under, if the document gives it this method. The
   * path is matched first, whatever the method, as the router does: GET on {@code
   * …/{upload_id}/complete} is that path without GET (a 405), not {@code …/{upload_id}} with a
   * trailing {@code /complete}; a parameter takes slashes only when no path matches otherwise.
   */
  private String templateOf(String method, String path) {
    for (boolean greedy : new boolean[] {false, true}) {
      for (Template template : templates) {
        if ((greedy ? template.greedy() : template.strict()).matcher(path).matches()) {
          return document.path("paths").path(template.path()).has(method.toLowerCase(Locale.ROOT))
              ? template.path()
              : null;
        }
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

  private static String abbreviate(byte[] body) {
    if (body == null) {
      return "";
    }
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
