package dev.filesapi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A test class tagged {@code long} as a whole is named {@code *LongTest}, and only such a class:
 * the fast suite leaves those classes out by name before JUnit loads them (pom.xml, {@code
 * test.excludes}), because Quarkus prepares an application for every {@code @QuarkusTest} class it
 * is handed, tagged or not. A long class with another name would cost the fast suite that
 * preparation again; a {@code *LongTest} without the tag would run in neither suite.
 */
class LongTestNamesTest {

  @Test
  void aClassIsNamedLongTestExactlyWhenItIsTaggedLongAsAWhole() throws Exception {
    List<String> misnamed = new ArrayList<>();
    List<String> untagged = new ArrayList<>();
    for (Class<?> test : surefireClasses()) {
      boolean tagged =
          Arrays.stream(test.getAnnotationsByType(Tag.class))
              .anyMatch(t -> t.value().equals("long"));
      boolean named = test.getSimpleName().endsWith("LongTest");
      if (tagged && !named) {
        misnamed.add(test.getName());
      }
      if (named && !tagged) {
        untagged.add(test.getName());
      }
    }
    assertThat(misnamed).as("tagged long as a whole: name them *LongTest").isEmpty();
    assertThat(untagged).as("named *LongTest: tag them @Tag(\"long\")").isEmpty();
  }

  @Test
  void theRuleSeesTheLongClasses() throws Exception {
    // Guards the scan itself: an empty scan would pass the rule above.
    assertThat(surefireClasses())
        .extracting(Class::getSimpleName)
        .contains("LargeCompleteLongTest", "OpenApiFuzzLongTest", "HealthTest");
  }

  /** The concrete top-level classes surefire would consider (named *Test), loaded uninitialised. */
  private static List<Class<?>> surefireClasses() throws IOException, URISyntaxException {
    Path root =
        Path.of(
            LongTestNamesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // The system loader, not this class's: loading a @QuarkusTest class through Quarkus' test
    // class loader would prepare its application.
    ClassLoader plain = ClassLoader.getSystemClassLoader();
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith("Test.class")).toList()) {
        String name =
            root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
        name = name.substring(0, name.length() - ".class".length());
        if (name.contains("$")) {
          continue;
        }
        try {
          Class<?> test = Class.forName(name, false, plain);
          if (!Modifier.isAbstract(test.getModifiers())) {
            classes.add(test);
          }
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException("test class not on the system class path: " + name, e);
        }
      }
    }
    return classes;
  }
}
