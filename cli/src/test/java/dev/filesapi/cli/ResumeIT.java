package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A killed upload run again continues the same upload and PUTs only the parts not checkpointed;
 * Ctrl+C leaves it resumable and says how.
 */
class ResumeIT {
  private static final int SIZE = 60_000_000; // 12 parts of 5 MiB

  private static PackagedService service;

  @TempDir Path dir;

  @BeforeAll
  static void service() throws Exception {
    service = PackagedService.get();
  }

  /** The in-progress upload of this name, as {@code GET /v1/files/uploads} shows it. */
  private static Optional<Map<?, ?>> inProgress(String name) throws Exception {
    Map<String, Object> page = Json.parseObject(service.get("files/uploads?status=in_progress"));
    return ((List<?>) page.get("uploads"))
        .stream()
            .<Map<?, ?>>map(u -> (Map<?, ?>) u)
            .filter(u -> name.equals(u.get("file_name")))
            .findFirst();
  }

  private static int checkpointed(Map<?, ?> upload) {
    return ((List<?>) upload.get("checkpointed_parts")).size();
  }

  /** Starts a slowed-down upload and waits until at least 3 parts are checkpointed. */
  private static Process startAndWaitForCheckpoints(Cli cli, Path file) throws Exception {
    Process process = cli.start("upload", file.toString(), "--limit-rate", "6M", "--parallel", "2");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      Optional<Map<?, ?>> upload = inProgress(file.getFileName().toString());
      if (upload.isPresent() && checkpointed(upload.get()) >= 3) {
        return process;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the upload ended early: " + cli.finish(process));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no 3 checkpoints within 2 minutes");
  }

  @Test
  void afterSigkillOnlyTheMissingPartsAreSent() throws Exception {
    Cli cli = new Cli(dir, service);
    Path file = UploadDownloadIT.randomFile(dir.resolve("killed.bin"), SIZE, 4);
    Process first = startAndWaitForCheckpoints(cli, file);
    first.destroyForcibly(); // SIGKILL: no hook runs
    first.waitFor();
    Thread.sleep(500); // a checkpoint request already sent may still land
    Map<?, ?> left = inProgress("killed.bin").orElseThrow();
    int stored = checkpointed(left);
    assertTrue(stored >= 3 && stored < 12, "checkpointed: " + stored);

    Cli.Result again = cli.run("upload", file.toString(), "--json", "--quiet");
    assertEquals(0, again.exit(), again::toString);
    Map<String, Object> result = Json.parseObject(again.out().strip());
    assertEquals(left.get("upload_id"), result.get("upload_id"));
    assertEquals(true, result.get("resumed"));
    assertEquals((long) stored, result.get("parts_skipped"));
    assertEquals((long) (12 - stored), result.get("parts_sent"));
    assertEquals(result.get("parts_sent"), result.get("put_requests")); // nothing sent twice

    Cli.Result download = cli.run("download", "killed.bin", "back.bin", "--quiet");
    assertEquals(0, download.exit(), download::toString);
    assertEquals(-1, Files.mismatch(file, dir.resolve("back.bin")));
  }

  @Test
  void ctrlCLeavesAResumableUploadAndSaysHow() throws Exception {
    Cli cli = new Cli(dir, service);
    Path file = UploadDownloadIT.randomFile(dir.resolve("interrupted.bin"), SIZE, 5);
    Process first = startAndWaitForCheckpoints(cli, file);
    new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).start().waitFor();
    Cli.Result interrupted = cli.finish(first);
    assertEquals(130, interrupted.exit(), interrupted::toString);
    assertTrue(
        interrupted.err().contains("files: interrupted; ")
            && interrupted.err().contains("Resume with: files upload " + file),
        interrupted::toString);
    assertTrue(!interrupted.err().contains("Exception"), interrupted::toString);

    Cli.Result again = cli.run("upload", file.toString(), "--json", "--quiet");
    assertEquals(0, again.exit(), again::toString);
    Map<String, Object> result = Json.parseObject(again.out().strip());
    assertEquals(true, result.get("resumed"));
    assertTrue(((Number) result.get("parts_skipped")).intValue() >= 3, again::toString);
    Cli.Result download = cli.run("download", "interrupted.bin", "back.bin", "--quiet");
    assertEquals(0, download.exit(), download::toString);
    assertEquals(-1, Files.mismatch(file, dir.resolve("back.bin")));
  }
}
