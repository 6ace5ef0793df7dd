package dev.filesapi.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Which top-level package imports which, read from the sources: no circles, the generic packages
 * import no feature, and docs/architecture.md's picture is the code's.
 */
class PackageImportsTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/filesapi");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?dev\\.filesapi\\.([a-z]+)\\.", Pattern.MULTILINE);
  private static final Pattern ARROW = Pattern.compile("^\\s*([a-z]+) --> ([a-z]+)\\s*$");
  private static final Set<String> GENERIC =
      Set.of("http", "problem", "openapi", "observability", "database");

  @Test
  void noPackageImportsItselfInACircle() throws IOException {
    Map<String, Set<String>> imports = imports();
    for (String start : imports.keySet()) {
      assertThat(reachable(imports, start))
          .as("packages reached from %s", start)
          .doesNotContain(start);
    }
  }

  @Test
  void theGenericPackagesImportNoFeature() throws IOException {
    Map<String, Set<String>> imports = imports();
    for (String generic : GENERIC) {
      assertThat(imports).containsKey(generic);
      assertThat(imports.get(generic)).as("what %s imports", generic).isSubsetOf(GENERIC);
    }
  }

  @Test
  void theArchitecturePictureIsTheCode() throws IOException {
    String doc = Files.readString(Path.of("docs/architecture.md"));
    int start = doc.indexOf("flowchart TD");
    assertThat(start).as("a flowchart in docs/architecture.md").isPositive();
    Set<String> drawn = new TreeSet<>();
    for (String line : doc.substring(start, doc.indexOf("```", start)).lines().toList()) {
      Matcher arrow = ARROW.matcher(line);
      if (arrow.matches()) {
        drawn.add(arrow.group(1) + " --> " + arrow.group(2));
      }
    }
    Set<String> actual = new TreeSet<>();
    imports().forEach((from, tos) -> tos.forEach(to -> actual.add(from + " --> " + to)));
    assertThat(drawn).isEqualTo(actual);
  }

  /** Top-level package → the other top-level packages its files import. */
  private static Map<String, Set<String>> imports() throws IOException {
    Map<String, Set<String>> imports = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() < 2) {
          continue; // the root package's wiring (the clock)
        }
        String from = relative.getName(0).toString();
        Set<String> targets = imports.computeIfAbsent(from, p -> new TreeSet<>());
        Matcher imported = IMPORT.matcher(Files.readString(file));
        while (imported.find()) {
          if (!imported.group(1).equals(from)) {
            targets.add(imported.group(1));
          }
        }
      }
    }
    return imports;
  }

  private static Set<String> reachable(Map<String, Set<String>> imports, String start) {
    Set<String> seen = new HashSet<>();
    List<String> todo = new ArrayList<>(imports.getOrDefault(start, Set.of()));
    while (!todo.isEmpty()) {
      String next = todo.remove(todo.size() - 1);
      if (seen.add(next)) {
        todo.addAll(imports.getOrDefault(next, Set.of()));
      }
    }
    return seen;
  }
}
