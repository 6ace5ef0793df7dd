package dev.filesapi.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs cannot drift silently: their relative links resolve, the configuration page names every
 * setting and only settings that exist, and the API page names every operation and field of the
 * OpenAPI document. Plain file reading, no service start: the OpenAPI side reads the committed
 * snapshot, which OpenApiSnapshotTest keeps equal to the served document.
 */
class DocsDriftTest {
  static final Path README = Path.of("README.md");
  static final Path DOCS = Path.of("docs");
  static final Path CONFIGURATION_PAGE = DOCS.resolve("configuration.md");
  static final Path API_PAGE = DOCS.resolve("api.md");
  static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
  static final Path OPENAPI_SNAPSHOT = Path.of("src/test/resources/openapi/files-api.json");
  static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/embedded/java"));

  private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?)\\s*#*\\s*$");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern NAMED_FILES_KEY = Pattern.compile("`(files\\.[a-z0-9.-]+)`");
  private static final Pattern OPERATION =
      Pattern.compile("\\b(GET|POST|PUT|PATCH|DELETE) (/v1/[^\\s`?|,)]*)");
  private static final Pattern SOURCE_KEY =
      Pattern.compile(
          "(?:@ConfigProperty\\(\\s*name\\s*=\\s*|setting\\(\\s*)\"(files\\.[a-z0-9.-]+)\"");

  // ---- links ----

  @Test
  void everyRelativeLinkPointsAtAFileAndAHeading() {
    List<String> broken = brokenLinks(documents());
    assertThat(broken).as("relative links that point nowhere").isEmpty();
  }

  /** The pages checked: the README, everything under docs/, and the chart's README. */
  static List<Path> documents() {
    List<Path> pages = new ArrayList<>(List.of(README, Path.of("helm/files-api/README.md")));
    try (Stream<Path> docs = Files.walk(DOCS)) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  static List<String> brokenLinks(List<Path> pages) {
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher link = LINK.matcher(withoutFences(read(page)));
      while (link.find()) {
        String target = link.group(2);
        if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file);
        if (!Files.exists(resolved)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (anchor != null
            && resolved.toString().endsWith(".md")
            && !anchors(read(resolved)).contains(anchor)) {
          broken.add(page + ": " + target + " (no such heading)");
        }
      }
    }
    return broken;
  }

  /** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher heading = HEADING.matcher(withoutFences(markdown));
    while (heading.find()) {
      String text = LINK.matcher(heading.group(1)).replaceAll("$1");
      String slug =
          text.toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  // ---- configuration ----

  @Test
  void theConfigurationPageNamesEveryPropertyOfApplicationProperties() {
    String page = read(CONFIGURATION_PAGE);
    Set<String> missing = new TreeSet<>();
    for (String key : applicationProperties()) {
      if (!page.contains("`" + key + "`")) {
        missing.add(key);
      }
    }
    assertThat(missing)
        .as("application.properties keys missing from " + CONFIGURATION_PAGE)
        .isEmpty();
  }

  @Test
  void theConfigurationPageNamesEveryFilesKeyTheCodeDeclares() {
    String page = read(CONFIGURATION_PAGE);
    Set<String> declared = configMappingKeys();
    assertThat(declared).contains("files.upload.complete-lease", "files.gcs.hmac.access-id");
    Set<String> missing = new TreeSet<>();
    for (String key : declared) {
      if (!page.contains("`" + key + "`")) {
        missing.add(key);
      }
    }
    assertThat(missing).as("@ConfigMapping keys missing from " + CONFIGURATION_PAGE).isEmpty();
  }

  @Test
  void everyFilesKeyTheConfigurationPageNamesExists() {
    Set<String> existing = new TreeSet<>(configMappingKeys());
    existing.addAll(applicationProperties());
    existing.addAll(keysReadBySource());
    Set<String> unknown = new TreeSet<>();
    Matcher named = NAMED_FILES_KEY.matcher(read(CONFIGURATION_PAGE));
    while (named.find()) {
      if (!existing.contains(named.group(1))) {
        unknown.add(named.group(1));
      }
    }
    assertThat(unknown).as(CONFIGURATION_PAGE + " names settings that do not exist").isEmpty();
  }

  /** The keys of application.properties, profile prefixes dropped; the test profile's left out. */
  static Set<String> applicationProperties() {
    Set<String> keys = new TreeSet<>();
    boolean continued = false;
    for (String line : read(PROPERTIES).split("\n")) {
      boolean continuation = continued;
      continued = line.endsWith("\\");
      String trimmed = line.strip();
      if (continuation || trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String key = trimmed.substring(0, trimmed.indexOf('=')).strip();
      if (key.startsWith("%test.")) {
        continue;
      }
      keys.add(key.replaceFirst("^%[a-z-]+\\.", ""));
    }
    return keys;
  }

  /** Every key of the project's {@code @ConfigMapping} interfaces, nested groups included. */
  static Set<String> configMappingKeys() {
    Path classes = Path.of("target/classes");
    Set<String> keys = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
        String file = classes.relativize(it.next()).toString();
        if (!file.endsWith(".class") || !file.startsWith("dev")) {
          continue;
        }
        String name = file.substring(0, file.length() - ".class".length()).replace('/', '.');
        Class<?> type;
        try {
          type = Class.forName(name, false, DocsDriftTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          continue;
        }
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping != null) {
          collectKeys(mapping.prefix(), type, keys);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }

  private static void collectKeys(String prefix, Class<?> type, Set<String> keys) {
    for (Method method : type.getMethods()) {
      if (method.isDefault()
          || Modifier.isStatic(method.getModifiers())
          || method.getParameterCount() > 0) {
        continue;
      }
      WithName withName = method.getAnnotation(WithName.class);
      String name = withName != null ? withName.value() : kebab(method.getName());
      String key = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + name;
      Class<?> result = method.getReturnType();
      if (result.isInterface() && result.getName().startsWith("dev.filesapi")) {
        collectKeys(key, result, keys);
      } else {
        keys.add(key);
      }
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** Keys read by name: {@code @ConfigProperty(name = …)} and the embedded launcher's settings. */
  static Set<String> keysReadBySource() {
    Set<String> keys = new TreeSet<>();
    for (Path root : SOURCES) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(p -> p.toString().endsWith(".java"))
            .forEach(
                p -> {
                  Matcher key = SOURCE_KEY.matcher(read(p));
                  while (key.find()) {
                    keys.add(key.group(1));
                  }
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return keys;
  }

  // ---- the API ----

  @Test
  void theApiPageNamesEveryOperationOfTheOpenApiDocument() {
    Set<String> documented = new TreeSet<>();
    Matcher operation = OPERATION.matcher(read(API_PAGE));
    while (operation.find()) {
      documented.add(operation.group(1) + " " + normalise(operation.group(2)));
    }
    Set<String> missing = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> paths = openApi().get("paths").fields();
    int operations = 0;
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next().toUpperCase(Locale.ROOT);
        if (!method.matches("GET|POST|PUT|PATCH|DELETE")) {
          continue;
        }
        operations++;
        String op = method + " " + normalise(path.getKey());
        if (!documented.contains(op)) {
          missing.add(method + " " + path.getKey());
        }
      }
    }
    assertThat(operations).isGreaterThan(40);
    assertThat(missing).as("operations of the OpenAPI document missing from " + API_PAGE).isEmpty();
  }

  @Test
  void theApiPageNamesEveryFieldOfTheOpenApiSchemas() {
    Set<String> named = codeIdentifiers(read(API_PAGE));
    Set<String> missing = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> schemas =
        openApi().get("components").get("schemas").fields();
    while (schemas.hasNext()) {
      Map.Entry<String, JsonNode> schema = schemas.next();
      JsonNode properties = schema.getValue().get("properties");
      if (properties == null) {
        continue;
      }
      for (Iterator<String> fields = properties.fieldNames(); fields.hasNext(); ) {
        String field = fields.next();
        if (!named.contains(field)) {
          missing.add(schema.getKey() + "." + field);
        }
      }
    }
    assertThat(missing).as("schema fields not named (as code) in " + API_PAGE).isEmpty();
  }

  /** Path parameters by position, not name; no trailing slash. */
  static String normalise(String path) {
    return path.replaceAll("\\{[^}]*\\}", "{}").replaceAll("/+$", "");
  }

  /** Identifiers written as code: in code spans and fenced blocks. */
  static Set<String> codeIdentifiers(String markdown) {
    Set<String> identifiers = new TreeSet<>();
    List<String> code = new ArrayList<>();
    Matcher fence = FENCE.matcher(markdown);
    while (fence.find()) {
      code.add(fence.group());
    }
    Matcher span = CODE_SPAN.matcher(withoutFences(markdown));
    while (span.find()) {
      code.add(span.group(1));
    }
    for (String text : code) {
      Matcher id = IDENTIFIER.matcher(text);
      while (id.find()) {
        identifiers.add(id.group());
      }
    }
    return identifiers;
  }

  private static JsonNode openApi() {
    try {
      return new ObjectMapper().readTree(read(OPENAPI_SNAPSHOT));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String withoutFences(String markdown) {
    return FENCE.matcher(markdown).replaceAll("");
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
