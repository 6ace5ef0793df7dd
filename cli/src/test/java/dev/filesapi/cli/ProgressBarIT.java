package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress bar in a real terminal: the launcher run inside a tmux pane, 120 columns wide. */
class ProgressBarIT {
  private static final Pattern BAR =
      Pattern.compile(
          "bar\\.bin \\d+% \\[#*-*\\] [\\d.]+ [KMG]?i?B / 28\\.6 MiB  [\\d.-]+ [KMG]?i?B/s  ETA"
              + " [\\d:-]+  \\d+/6 parts, [0-2] in flight");

  private static PackagedService service;
  private final String session = "files-cli-it-" + ProcessHandle.current().pid();

  @TempDir Path dir;

  @BeforeAll
  static void service() throws Exception {
    assumeTrue(tmux("-V").exit == 0, "tmux is not installed");
    service = PackagedService.get();
  }

  record Run(int exit, String out) {}

  private static Run tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      return new Run(127, notInstalled.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  @AfterEach
  void killSession() throws Exception {
    tmux("kill-session", "-t", session);
  }

  @Test
  void barShowsBytesRateEtaAndPartsInFlight() throws Exception {
    Path file = UploadDownloadIT.randomFile(dir.resolve("bar.bin"), 30_000_000, 6);
    String script =
        "export FILES_API_URL='"
            + service.apiUrl()
            + "' FILES_API_KEY='"
            + service.key
            + "'; cd '"
            + dir
            + "'; '"
            + Cli.LAUNCHER.toAbsolutePath()
            + "' upload bar.bin --limit-rate 4M --parallel 2; echo \"exit=$?\"; sleep 600";
    Files.writeString(dir.resolve("run.sh"), script);
    Run started =
        tmux(
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "10",
            "sh " + dir.resolve("run.sh"));
    assertEquals(0, started.exit(), started.out());

    String bar = null;
    String screen = "";
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      screen = tmux("capture-pane", "-p", "-t", session).out();
      if (bar == null) {
        bar = screen.lines().filter(l -> BAR.matcher(l.strip()).matches()).findFirst().orElse(null);
      }
      if (screen.contains("exit=")) {
        break;
      }
      Thread.sleep(200);
    }
    String shown = screen;
    assertTrue(bar != null, () -> "no progress bar on the screen:\n" + shown);
    assertTrue(bar.strip().length() <= 119, bar);
    assertTrue(screen.contains("exit=0"), screen);
    assertTrue(screen.contains("uploaded bar.bin (28.6 MiB"), screen);
    // The bar's line ends at 100% (redrawn in place, not scrolled line after line).
    assertTrue(screen.contains("bar.bin 100% ["), screen);
    assertEquals(1, screen.lines().filter(l -> l.startsWith("bar.bin ")).count(), screen);
  }
}
