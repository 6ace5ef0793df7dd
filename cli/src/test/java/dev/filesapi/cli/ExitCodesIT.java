package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of failure: one line on stderr, no stack trace, its own exit status. */
class ExitCodesIT {
  private static PackagedService service;

  @TempDir Path dir;

  @BeforeAll
  static void service() throws Exception {
    service = PackagedService.get();
  }

  private static void oneLine(Cli.Result result, int exit, String text) {
    assertEquals(exit, result.exit(), result::toString);
    assertEquals(1, result.err().lines().count(), result::toString);
    assertTrue(result.err().startsWith("files: "), result::toString);
    assertTrue(result.err().contains(text), result::toString);
    assertFalse(
        result.err().contains("Exception") || result.err().contains("\tat "), result::toString);
  }

  @Test
  void keyRefused() throws Exception {
    Cli cli = new Cli(dir, service);
    cli.env.put("FILES_API_KEY", "fk_live_not_a_key");
    oneLine(cli.run("info"), 3, "refused the API key");
    // A POST with a body too: HttpURLConnection in streaming mode answers the 401 as it is.
    Path small = Files.write(dir.resolve("small.bin"), new byte[1000]);
    oneLine(cli.run("upload", small.toString()), 3, "refused the API key");
    cli.env.remove("FILES_API_KEY");
    oneLine(cli.run("ls"), 3, "no API key");
  }

  @Test
  void fileNotFound() throws Exception {
    Cli cli = new Cli(dir, service);
    oneLine(cli.run("upload", "missing.bin"), 4, "no such file: missing.bin");
    oneLine(cli.run("download", "no-such-file"), 4, "not_found");
    oneLine(cli.run("rm", "no-such-file"), 4, "not_found");
  }

  @Test
  void tooLarge() throws Exception {
    Path sparse = dir.resolve("huge.bin");
    try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
      file.setLength(PackagedService.MAX_FILE_BYTES + 1);
    }
    oneLine(new Cli(dir, service).run("upload", sparse.toString()), 5, "file_too_large");
  }

  @Test
  void serviceUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli cli = new Cli(dir, service);
    cli.env.put("FILES_API_URL", "http://127.0.0.1:" + port + "/v1");
    oneLine(cli.run("info"), 6, "cannot reach the service at http://127.0.0.1:" + port + "/v1");
  }

  @Test
  void usage() throws Exception {
    Cli cli = new Cli(dir, service);
    oneLine(cli.run("upload"), 2, "upload needs a PATH");
    oneLine(cli.run("frobnicate"), 2, "unknown command");
    Cli.Result help = cli.run("upload", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("--parallel N"), help::toString);
  }
}
