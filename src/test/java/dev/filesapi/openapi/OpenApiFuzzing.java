package dev.filesapi.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.problem.Problem;
import dev.filesapi.support.Api;
import dev.filesapi.support.ConformingHttpClient;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Generative fuzzing from the service's own OpenAPI document: for every operation it describes,
 * requests are generated from the operation's parameters and body schema, with values at and around
 * every boundary, wrong types, hostile strings and broken bodies, with and without a valid key, on
 * ids of the caller's and of another organization. Properties: never a 5xx; every 4xx is {@code
 * application/problem+json} with a code docs/api.md documents and an {@code errors} entry carrying
 * it; no answer echoes a secret.
 *
 * <p>A fixed seed ({@code -Dfuzz.seed}) and a time budget: 10 seconds in {@link OpenApiFuzzTest}
 * (the fast suite), one minute in {@link OpenApiFuzzLongTest} (the {@code long} tests); {@code
 * -Dfuzz.minutes} sets both ({@code -Dfuzz.minutes=30} for a long run). A failure is shrunk (query
 * parameters and body fields dropped, values simplified) to a minimal failing request and reported
 * with the seed of its try. Every failure this has found is kept in {@link #REGRESSIONS}, run first
 * on every run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OpenApiFuzzing {
  /** The time generated requests are sent for. */
  abstract Duration budget();

  /** This budget, unless -Dfuzz.minutes says otherwise. */
  static Duration budget(Duration otherwise) {
    String minutes = System.getProperty("fuzz.minutes");
    return minutes == null
        ? otherwise
        : Duration.ofMillis((long) (Double.parseDouble(minutes) * 60_000));
  }

  private static final long SEED = Long.getLong("fuzz.seed", 20_261_201L);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  private static final Pattern DOCUMENTED_CODE =
      Pattern.compile("^\\| (\\d{3}) \\| `([a-z0-9_]+)` \\|", Pattern.MULTILINE);

  /** What the HTTP codec answers, without a body, to a request line or headers too long. */
  private static final Set<Integer> CODEC_REFUSALS = Set.of(414, 431);

  private static final Set<String> SECRETS =
      Set.of(FilesTestResource.ADMIN_TOKEN, "test-secret-key");

  /** A request that was once answered wrongly, and the status it must get. */
  record Regression(
      String name,
      String method,
      String target,
      String contentType,
      String body,
      Set<Integer> statuses) {
    Regression(
        String name, String method, String target, String contentType, String body, int status) {
      this(name, method, target, contentType, body, Set.of(status));
    }
  }

  /**
   * Requests this fuzzer (or a stranger before it) found answered with a 5xx, an undocumented code
   * or a lenient 200, each kept as a named case and run first on every run.
   */
  private static final List<Regression> REGRESSIONS =
      List.of(
          new Regression(
              "shard_index × max_items_per_shard overflowed an int: 500",
              "GET",
              "/v1/files/metadata?shard_index=2147484&max_items_per_shard=1000",
              null,
              null,
              200),
          new Regression(
              "the last shard an int can name",
              "GET",
              "/v1/files/metadata?shard_index=2147483647&max_items_per_shard=1000",
              null,
              null,
              200),
          new Regression(
              "trailing content after the body was ignored: 200",
              "POST",
              "/v1/files/uploads/initiate",
              "application/json",
              "{\"filename\":\"a.bin\",\"file_type\":\"a/b\",\"num_bytes\":10} x",
              400),
          new Regression(
              "a duplicate key took the last value: 200",
              "POST",
              "/v1/files/uploads/initiate",
              "application/json",
              "{\"filename\":\"a.bin\",\"filename\":\"b.bin\",\"file_type\":\"a/b\",\"num_bytes\":10}",
              400),
          new Regression(
              "fuzzer, seed 20261201: an empty path segment answered 405 method_not_allowed,"
                  + " a code docs/api.md did not document",
              "PUT",
              "/v1/admin/organizations//quotas",
              "application/json",
              "{}",
              405),
          new Regression(
              "fuzzer, seed 777 (30-minute run): an over-long request line (a long cursor and"
                  + " status) is refused by the HTTP codec with a bare 431 (or 414), before the"
                  + " service sees it",
              "GET",
              "/v1/files/uploads?cursor=" + "%C3%A9".repeat(1700) + "&status=" + "x".repeat(600),
              null,
              null,
              Set.of(414, 431)));

  private String key;
  private String otherKey;
  private List<Operation> operations;
  private Set<String> documentedCodes;
  private Map<String, List<String>> ids;

  /** One operation of the document. */
  record Operation(
      String method,
      String path,
      List<String> pathParams,
      List<Parameter> query,
      String bodyType,
      JsonNode bodySchema) {
    boolean admin() {
      return path.startsWith("/v1/admin");
    }
  }

  record Parameter(String name, JsonNode schema) {}

  /**
   * A generated request, kept structured so that it can be shrunk: body fields are JSON fragments
   * (a key may appear twice), a raw body replaces them, a null query value is absent.
   */
  record Case(
      Operation operation,
      Map<String, String> pathValues,
      Map<String, String> queryValues,
      List<Map.Entry<String, String>> fields,
      String rawBody,
      String contentType,
      String auth) {

    String target() {
      String path = operation.path();
      for (Map.Entry<String, String> value : pathValues.entrySet()) {
        path = path.replace("{" + value.getKey() + "}", encode(value.getValue()));
      }
      StringBuilder query = new StringBuilder();
      queryValues.forEach(
          (name, value) -> {
            if (value != null) {
              query
                  .append(query.isEmpty() ? '?' : '&')
                  .append(name)
                  .append('=')
                  .append(encode(value));
            }
          });
      return path + query;
    }

    String body() {
      if (rawBody != null) {
        return rawBody;
      }
      if (fields == null) {
        return null;
      }
      StringBuilder body = new StringBuilder("{");
      for (Map.Entry<String, String> field : fields) {
        if (body.length() > 1) {
          body.append(',');
        }
        body.append('"').append(field.getKey()).append("\":").append(field.getValue());
      }
      return body.append('}').toString();
    }

    @Override
    public String toString() {
      String body = body();
      return operation.method()
          + " "
          + target()
          + (contentType == null ? "" : "  [" + contentType + "]")
          + (auth == null ? "  [no key]" : "")
          + (body == null ? "" : "  " + abbreviate(body));
    }
  }

  /** Once, from the first test: Quarkus (and with it RestAssured's port) is up by then. */
  private void readTheDocumentAndMakeFixtures() throws Exception {
    if (operations != null) {
      return;
    }
    key = Tenants.newOrganizationKey("fuzz-" + SEED);
    otherKey = Tenants.newOrganizationKey("fuzz-other-" + SEED);
    JsonNode document =
        JSON.readTree(
            RestAssured.given()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    operations = operations(document);
    assertThat(operations).hasSizeGreaterThan(15);

    Matcher codes =
        DOCUMENTED_CODE.matcher(Files.readString(Path.of("docs/api.md"), StandardCharsets.UTF_8));
    documentedCodes = new TreeSet<>();
    while (codes.find()) {
      documentedCodes.add(codes.group(2));
    }
    assertThat(documentedCodes).contains("validation_failed", "not_found", "unauthorized");

    // Ids of the caller's and of another organization, real and made up.
    String mine = initiate(key, "fuzz-mine.bin");
    String completed = uploadSmallFile(key, "fuzz-file.txt");
    String theirs = initiate(otherKey, "fuzz-theirs.bin");
    uploadSmallFile(otherKey, "fuzz-their-file.txt");
    ids = new LinkedHashMap<>();
    ids.put("upload_id", List.of(mine, completed, theirs, "upl_00000000000000000000000000"));
    ids.put(
        "file_id",
        List.of("fuzz-file.txt", "fuzz-their-file.txt", "no-such-file.txt", "dir/fuzz-file.txt"));
    ids.put(
        "organization_id",
        List.of(Tenants.organizationOf(key), Tenants.organizationOf(otherKey), "org_nope"));
    ids.put("key_id", List.of("key_nope", "key_00000000000000000000000000"));
    String webhook = webhook(key);
    ids.put("webhook_id", List.of(webhook, "whk_00000000000000000000000000"));
    ids.put("event_id", List.of(testEvent(key, webhook), "evt_00000000000000000000000000"));
  }

  private static String webhook(String apiKey) {
    return Api.as(apiKey)
        .body(Map.of("url", "https://hooks.example.com/fuzz"))
        .post("/v1/webhooks")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  private static String testEvent(String apiKey, String webhookId) {
    return Api.as(apiKey)
        .post("/v1/webhooks/{id}/test", webhookId)
        .then()
        .statusCode(202)
        .extract()
        .path("event_id");
  }

  @Test
  void everyRegressionCaseIsAnsweredAsDocumented() throws Exception {
    readTheDocumentAndMakeFixtures();
    for (Regression regression : REGRESSIONS) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base().resolve(regression.target()))
              .timeout(Duration.ofSeconds(30))
              .header(
                  "Authorization",
                  "Bearer "
                      + (regression.target().startsWith("/v1/admin")
                          ? FilesTestResource.ADMIN_TOKEN
                          : key));
      if (regression.contentType() != null) {
        request.header("Content-Type", regression.contentType());
      }
      request.method(
          regression.method(),
          regression.body() == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(regression.body()));
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertConforms(regression.name(), response);
      assertThat(response.statusCode()).as(regression.name()).isIn(regression.statuses());
    }
  }

  @Test
  void generatedRequestsAreNeverA5xxAndEveryErrorIsDocumented() throws Exception {
    readTheDocumentAndMakeFixtures();
    Duration budget = budget();
    Instant deadline = Instant.now().plus(budget);
    Map<String, Integer> statuses = new java.util.TreeMap<>();
    long tries = 0;
    while (Instant.now().isBefore(deadline)) {
      long seed = SEED + 0x9E3779B97F4A7C15L * tries;
      tries++;
      Random random = new Random(seed);
      Case generated = generate(random);
      String failure = check(generated, statuses);
      if (failure != null) {
        Case smallest = shrink(generated);
        throw new AssertionError(
            String.format(
                "falsified at try %d (-Dfuzz.seed=%d, try seed %d)%n  smallest: %s%n  failure: %s"
                    + "%n  original: %s",
                tries,
                SEED,
                seed,
                smallest,
                check(smallest, new java.util.TreeMap<>()),
                generated));
      }
    }
    System.out.printf(
        "%s: %d generated requests in %s (seed %d), statuses %s%n",
        getClass().getSimpleName(), tries, budget, SEED, statuses);
    assertThat(tries).as("requests generated within the budget").isGreaterThan(50);
    assertThat(statuses.keySet())
        .as("both answers and refusals were reached")
        .contains("200", "400");
  }

  // ---- the properties ----

  /** Null when the answer is as documented, else what is wrong. */
  private String check(Case c, Map<String, Integer> statuses) {
    HttpResponse<String> response;
    try {
      response = send(c);
    } catch (AssertionError e) {
      // The client checks every answer against the OpenAPI document (ConformingHttpClient).
      return "the answer disagrees with the OpenAPI document: " + e.getMessage();
    } catch (IOException e) {
      return "no answer: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    statuses.merge(String.valueOf(response.statusCode()), 1, Integer::sum);
    try {
      assertConforms(c.toString(), response);
      return null;
    } catch (AssertionError | IOException e) {
      return e.getMessage();
    }
  }

  private void assertConforms(String request, HttpResponse<String> response) throws IOException {
    int status = response.statusCode();
    String body = response.body();
    String description = request + " -> " + status + " " + abbreviate(body);
    assertThat(status).as(description).isLessThan(500);
    for (String secret : SECRETS) {
      assertThat(body).as(description).doesNotContain(secret);
    }
    if (status < 400) {
      return;
    }
    if (CODEC_REFUSALS.contains(status) && body.isEmpty()) {
      // The HTTP codec (Netty) refused it before any application code: a bare status is all
      // that can be answered there (docs/api.md, error table).
      return;
    }
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .as(description)
        .startsWith(Problem.MEDIA_TYPE);
    JsonNode problem = JSON.readTree(body);
    String code = problem.path("code").asText();
    assertThat(code).as(description + ": code documented in docs/api.md").isIn(documentedCodes);
    assertThat(problem.path("status").asInt()).as(description).isEqualTo(status);
    JsonNode errors = problem.path("errors");
    assertThat(errors.isArray() && errors.size() > 0).as(description + ": errors").isTrue();
    for (JsonNode error : errors) {
      assertThat(error.path("code").asText()).as(description + ": errors[].code").isNotBlank();
    }
  }

  // ---- generation ----

  private static final String[] INTEGERS = {
    "0",
    "1",
    "-1",
    "2",
    "5",
    "10",
    "99",
    "100",
    "999",
    "1000",
    "1001",
    "9999",
    "10000",
    "10001",
    "5242880",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "250000000000",
    "250000000001",
    "1000000000000000000000000000000",
    "1.5",
    "-0.0",
    "1e3",
    "1E30",
    "0.0",
    "-1e-7"
  };

  private static final String[] STRINGS = {
    "",
    "a",
    "a.bin",
    "application/octet-stream",
    "text/plain",
    "a/b",
    "nota-mime",
    "../../etc/passwd",
    "%2F..%2F",
    "dir/sub/file.txt",
    "é€😀",
    "invoice\u202Egpj.exe",
    "zero\u200Bwidth",
    "tab\there",
    "nul\u0000byte",
    "\uD800lone",
    "x".repeat(1025),
    "é".repeat(600),
    "in_progress",
    "completed",
    "upl_00000000000000000000000000",
    "fil_x",
    "' or 1=1 --",
    "${jndi:ldap://x}",
    "<script>",
    " ",
    "null"
  };

  private static final String[] OTHER_JSON = {
    "null",
    "true",
    "false",
    "[]",
    "{}",
    "[0]",
    "[null]",
    "\"10\"",
    "\"true\"",
    "[\"0\"]",
    "{\"a\":1}"
  };

  private static final String[] RAW_BODIES = {
    "",
    "{",
    "}",
    "null",
    "[]",
    "\"text\"",
    "42",
    "{} x",
    "{}{}",
    "{\"a\":1,\"a\":2}",
    "[".repeat(5000) + "]".repeat(5000),
    "{\"parts\":" + "[".repeat(3000),
    "\u0000",
    "{\"filename\":\"a\"",
  };

  private static final String[] CONTENT_TYPES = {
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/problem+json",
    "not a type",
    null
  };

  private Case generate(Random random) {
    Operation operation = operations.get(random.nextInt(operations.size()));
    Map<String, String> pathValues = new LinkedHashMap<>();
    for (String name : operation.pathParams()) {
      List<String> known = ids.getOrDefault(name, List.of("x"));
      pathValues.put(
          name,
          random.nextInt(4) == 0 ? pick(random, STRINGS) : known.get(random.nextInt(known.size())));
    }
    Map<String, String> queryValues = new LinkedHashMap<>();
    for (Parameter parameter : operation.query()) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      queryValues.put(parameter.name(), value(random, parameter.schema(), false));
    }
    if (random.nextInt(10) == 0) {
      queryValues.put("extra", pick(random, STRINGS));
    }
    List<Map.Entry<String, String>> fields = null;
    String rawBody = null;
    String contentType = null;
    if ("application/json".equals(operation.bodyType())) {
      contentType = random.nextInt(8) == 0 ? pick(random, CONTENT_TYPES) : "application/json";
      if (random.nextInt(8) == 0) {
        rawBody = pick(random, RAW_BODIES);
      } else {
        fields = fields(random, operation.bodySchema());
      }
    } else if ("multipart/form-data".equals(operation.bodyType())) {
      String boundary = "fuzz" + random.nextInt(1_000_000);
      contentType =
          random.nextInt(8) == 0
              ? pick(random, CONTENT_TYPES)
              : "multipart/form-data; boundary=" + boundary;
      rawBody = form(random, boundary);
    } else if (operation.method().equals("POST") && random.nextInt(3) == 0) {
      contentType = pick(random, CONTENT_TYPES);
      rawBody = random.nextBoolean() ? "{}" : pick(random, RAW_BODIES);
    }
    String auth;
    int who = random.nextInt(12);
    if (who == 0) {
      auth = null;
    } else if (who == 1) {
      auth = "Bearer fk_live_" + "0".repeat(40);
    } else if (who == 2) {
      auth = "Basic " + pick(random, STRINGS).replaceAll("[^\\x20-\\x7e]", "");
    } else {
      auth = "Bearer " + (operation.admin() ? FilesTestResource.ADMIN_TOKEN : key);
    }
    return new Case(operation, pathValues, queryValues, fields, rawBody, contentType, auth);
  }

  private List<Map.Entry<String, String>> fields(Random random, JsonNode schema) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    JsonNode properties = schema.path("properties");
    Iterator<Map.Entry<String, JsonNode>> each = properties.fields();
    while (each.hasNext()) {
      Map.Entry<String, JsonNode> property = each.next();
      int roll = random.nextInt(10);
      if (roll == 0) {
        continue; // missing
      }
      fields.add(Map.entry(property.getKey(), value(random, property.getValue(), true)));
      if (roll == 1) {
        fields.add(Map.entry(property.getKey(), value(random, property.getValue(), true)));
      }
    }
    if (random.nextInt(8) == 0) {
      fields.add(Map.entry("unexpected_" + random.nextInt(3), pick(random, OTHER_JSON)));
    }
    return fields;
  }

  /** A value for a schema: as a JSON fragment (json) or as query text. */
  private String value(Random random, JsonNode schema, boolean json) {
    JsonNode resolved = resolve(schema);
    String type = resolved.path("type").asText("");
    int roll = random.nextInt(10);
    if (json && roll == 0) {
      return pick(random, OTHER_JSON);
    }
    if (roll == 1) {
      String s = pick(random, STRINGS);
      return json ? quote(s) : s;
    }
    if (roll == 2) {
      return pick(random, INTEGERS);
    }
    switch (type) {
      case "integer", "number":
        return pick(random, INTEGERS);
      case "boolean":
        return random.nextBoolean() ? "true" : "false";
      case "array":
        if (!json) {
          return pick(random, INTEGERS);
        }
        int size = random.nextInt(10) == 0 ? 10_001 : random.nextInt(4);
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
          if (i > 0) {
            array.append(',');
          }
          array.append(size > 100 ? "0" : value(random, resolved.path("items"), true));
        }
        return array.append(']').toString();
      case "object":
        if (!json) {
          return pick(random, STRINGS);
        }
        StringBuilder object = new StringBuilder("{");
        for (Map.Entry<String, String> field : fields(random, resolved)) {
          if (object.length() > 1) {
            object.append(',');
          }
          object.append('"').append(field.getKey()).append("\":").append(field.getValue());
        }
        return object.append('}').toString();
      default:
        if (resolved.has("enum") && random.nextBoolean()) {
          JsonNode values = resolved.get("enum");
          String s = values.get(random.nextInt(values.size())).asText();
          return json ? quote(s) : s;
        }
        String s = pick(random, STRINGS);
        return json ? quote(s) : s;
    }
  }

  private static String form(Random random, String boundary) {
    int shape = random.nextInt(6);
    String filename =
        shape == 1
            ? pick(random, STRINGS).replace("\"", "")
            : "fuzz-" + random.nextInt(20) + ".txt";
    String content =
        switch (random.nextInt(4)) {
          case 0 -> "";
          case 1 -> "aGVsbG8=";
          case 2 -> "not base64 !";
          default -> "hello";
        };
    StringBuilder form = new StringBuilder();
    if (shape != 2) {
      form.append("--")
          .append(boundary)
          .append("\r\nContent-Disposition: form-data; name=\"file\"")
          .append(shape == 3 ? "" : "; filename=\"" + filename + "\"")
          .append("\r\nContent-Type: ")
          .append(shape == 4 ? "nonsense" : "text/plain")
          .append("\r\n\r\n")
          .append(content)
          .append("\r\n");
    }
    if (shape == 5) {
      form.append("--")
          .append(boundary)
          .append(
              "\r\nContent-Disposition: form-data; name=\"other\"; filename=\"b.txt\"\r\n\r\nb\r\n");
    }
    form.append("--").append(boundary).append(random.nextInt(10) == 0 ? "" : "--\r\n");
    return form.toString();
  }

  // ---- shrinking ----

  private Case shrink(Case failing) {
    Case smallest = failing;
    boolean shrunk = true;
    int steps = 0;
    while (shrunk && steps < 200) {
      shrunk = false;
      for (Case candidate : simpler(smallest)) {
        steps++;
        if (check(candidate, new java.util.TreeMap<>()) != null) {
          smallest = candidate;
          shrunk = true;
          break;
        }
      }
    }
    return smallest;
  }

  private static List<Case> simpler(Case c) {
    List<Case> candidates = new ArrayList<>();
    for (String name : c.queryValues().keySet()) {
      Map<String, String> fewer = new LinkedHashMap<>(c.queryValues());
      fewer.remove(name);
      candidates.add(
          new Case(
              c.operation(),
              c.pathValues(),
              fewer,
              c.fields(),
              c.rawBody(),
              c.contentType(),
              c.auth()));
    }
    if (c.fields() != null) {
      for (int i = 0; i < c.fields().size(); i++) {
        List<Map.Entry<String, String>> fewer = new ArrayList<>(c.fields());
        fewer.remove(i);
        candidates.add(
            new Case(
                c.operation(),
                c.pathValues(),
                c.queryValues(),
                fewer,
                c.rawBody(),
                c.contentType(),
                c.auth()));
      }
      for (int i = 0; i < c.fields().size(); i++) {
        if (!c.fields().get(i).getValue().equals("0")) {
          List<Map.Entry<String, String>> simpler = new ArrayList<>(c.fields());
          simpler.set(i, Map.entry(simpler.get(i).getKey(), "0"));
          candidates.add(
              new Case(
                  c.operation(),
                  c.pathValues(),
                  c.queryValues(),
                  simpler,
                  c.rawBody(),
                  c.contentType(),
                  c.auth()));
        }
      }
    }
    if (c.rawBody() != null && !c.rawBody().isEmpty() && c.rawBody().length() > 8) {
      candidates.add(
          new Case(
              c.operation(),
              c.pathValues(),
              c.queryValues(),
              c.fields(),
              c.rawBody().substring(0, c.rawBody().length() / 2),
              c.contentType(),
              c.auth()));
    }
    return candidates;
  }

  // ---- the document ----

  private JsonNode document;

  private List<Operation> operations(JsonNode document) {
    this.document = document;
    List<Operation> found = new ArrayList<>();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        method -> {
                          JsonNode operation = method.getValue();
                          List<String> pathParams = new ArrayList<>();
                          List<Parameter> query = new ArrayList<>();
                          for (JsonNode parameter : operation.path("parameters")) {
                            if ("path".equals(parameter.path("in").asText())) {
                              pathParams.add(parameter.path("name").asText());
                            } else if ("query".equals(parameter.path("in").asText())) {
                              query.add(
                                  new Parameter(
                                      parameter.path("name").asText(), parameter.path("schema")));
                            }
                          }
                          String bodyType = null;
                          JsonNode bodySchema = null;
                          Iterator<Map.Entry<String, JsonNode>> content =
                              operation.path("requestBody").path("content").fields();
                          if (content.hasNext()) {
                            Map.Entry<String, JsonNode> first = content.next();
                            bodyType = first.getKey();
                            bodySchema = resolve(first.getValue().path("schema"));
                          }
                          found.add(
                              new Operation(
                                  method.getKey().toUpperCase(java.util.Locale.ROOT),
                                  path.getKey(),
                                  pathParams,
                                  query,
                                  bodyType,
                                  bodySchema));
                        }));
    return found;
  }

  private JsonNode resolve(JsonNode schema) {
    if (schema != null && schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      return document.at(ref.substring(1));
    }
    return schema == null ? JSON.createObjectNode() : schema;
  }

  // ---- the wire ----

  private HttpResponse<String> send(Case c) throws IOException, InterruptedException {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(base().resolve(c.target()));
    } catch (IllegalArgumentException e) {
      throw new IOException("not a URI: " + c.target(), e);
    }
    request.timeout(Duration.ofSeconds(30));
    if (c.auth() != null) {
      request.header("Authorization", c.auth());
    }
    if (c.contentType() != null) {
      request.header("Content-Type", c.contentType());
    }
    String body = c.body();
    request.method(
        c.operation().method(),
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI base() {
    return URI.create(RestAssured.baseURI + ":" + RestAssured.port);
  }

  private static String initiate(String apiKey, String filename) {
    return Api.as(apiKey)
        .body(
            Map.of("filename", filename, "file_type", "application/octet-stream", "num_bytes", 10))
        .post("/v1/files/uploads/initiate")
        .then()
        .statusCode(200)
        .extract()
        .path("upload_id");
  }

  /** Initiate, PUT, complete: a registered file whose upload is completed; returns the upload. */
  private static String uploadSmallFile(String apiKey, String filename) {
    byte[] content = "fuzz".getBytes(StandardCharsets.UTF_8);
    io.restassured.path.json.JsonPath upload =
        Api.as(apiKey)
            .body(
                Map.of(
                    "filename", filename, "file_type", "text/plain", "num_bytes", content.length))
            .post("/v1/files/uploads/initiate")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    String etag = Api.put(upload.getString("parts[0].url"), content, 0, content.length);
    Api.as(apiKey)
        .body(Map.of("parts", List.of(Map.of("part_number", 0, "part_token", etag))))
        .post("/v1/files/uploads/{id}/complete", upload.getString("upload_id"))
        .then()
        .statusCode(200);
    return upload.getString("upload_id");
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Percent-encodes everything but unreserved characters, so any text fits in a URI. */
  private static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + ")" : s;
  }
}
