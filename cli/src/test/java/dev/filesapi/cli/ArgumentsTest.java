package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
  @Test
  void optionsAnywhereInBothForms() {
    Arguments args =
        new Arguments(List.of("upload", "--parallel=4", "a.bin", "--name", "x", "-q", "--", "-b"));
    assertEquals(List.of("upload", "a.bin", "-b"), args.positional);
    assertEquals(4, args.intValue("--parallel", 8, 1, 64));
    assertEquals(Optional.of("x"), args.value("--name"));
    assertEquals(true, args.flag("--quiet"));
  }

  @Test
  void usageErrors() {
    CliFailure unknown =
        assertThrows(CliFailure.class, () -> new Arguments(List.of("ls", "--colour")));
    assertEquals(ExitCode.USAGE, unknown.exitCode);
    assertThrows(CliFailure.class, () -> new Arguments(List.of("upload", "--name")));
    Arguments zero = new Arguments(List.of("upload", "--parallel", "0"));
    assertThrows(CliFailure.class, () -> zero.intValue("--parallel", 8, 1, 64));
    Arguments foreign = new Arguments(List.of("ls", "--name", "x"));
    assertThrows(CliFailure.class, () -> foreign.only("ls", java.util.Set.of("--type")));
  }

  @Test
  void sizes() {
    assertEquals(10L << 20, Arguments.size("r", "10M"));
    assertEquals(10L << 20, Arguments.size("r", "10MiB"));
    assertEquals(512L << 10, Arguments.size("r", "512k"));
    assertEquals(1L << 30, Arguments.size("r", "1G"));
    assertEquals(1500, Arguments.size("r", "1500"));
    assertThrows(CliFailure.class, () -> Arguments.size("r", "fast"));
  }

  @Test
  void apiAddressTakesTheBannersFormAndTheBareOne() {
    URI expected = URI.create("http://localhost:8080/v1/");
    assertEquals(expected, ApiClient.apiBase("http://localhost:8080/v1"));
    assertEquals(expected, ApiClient.apiBase("http://localhost:8080/v1/"));
    assertEquals(expected, ApiClient.apiBase("http://localhost:8080"));
    assertEquals(expected, ApiClient.apiBase(" http://localhost:8080/ "));
    assertEquals(
        URI.create("https://example.com/files/v1/"),
        ApiClient.apiBase("https://example.com/files"));
    assertEquals(
        ExitCode.USAGE,
        assertThrows(CliFailure.class, () -> ApiClient.apiBase("localhost:8080")).exitCode);
  }

  @Test
  void fileIdsArePercentEncodedAsOneSegment() {
    assertEquals("a%20b%2Fc%C3%A9", ApiClient.segment("a b/cé"));
  }

  @Test
  void mediaTypesDoNotDependOnTheMachine() {
    assertEquals("application/gzip", MediaTypes.of("x.tar.GZ"));
    assertEquals("application/octet-stream", MediaTypes.of("big.bin"));
    assertEquals("application/octet-stream", MediaTypes.of("noext"));
  }
}
