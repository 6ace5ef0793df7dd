package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload, list, download, info and delete through the launcher, against the packaged service. */
class UploadDownloadIT {
  private static PackagedService service;

  @TempDir Path dir;

  @BeforeAll
  static void service() throws Exception {
    service = PackagedService.get();
  }

  static Path randomFile(Path path, int size, long seed) throws Exception {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Files.write(path, bytes);
  }

  @Test
  void uploadsInPartsAndDownloadsByteIdentical() throws Exception {
    Cli cli = new Cli(dir, service);
    Path file = randomFile(dir.resolve("several parts.bin"), 23_000_000, 1); // 5 parts of 5 MiB
    Cli.Result upload =
        cli.run("upload", file.toString(), "--name", "it/several parts.bin", "--json");
    assertEquals(0, upload.exit(), upload::toString);
    Map<String, Object> result = Json.parseObject(upload.out().strip());
    assertEquals("it/several parts.bin", result.get("file_id"));
    assertEquals(5L, result.get("num_parts"));
    assertEquals(5L, result.get("parts_sent"));
    assertEquals(23_000_000L, result.get("num_bytes"));

    Cli.Result ls = cli.run("ls", "--json");
    assertEquals(0, ls.exit(), ls::toString);
    assertTrue(
        ((List<?>) Json.parse(ls.out()))
            .stream().anyMatch(f -> "it/several parts.bin".equals(((Map<?, ?>) f).get("file_id"))),
        ls::toString);

    Cli.Result download = cli.run("download", "it/several parts.bin", "back.bin", "--json");
    assertEquals(0, download.exit(), download::toString);
    assertEquals(-1, Files.mismatch(file, dir.resolve("back.bin")));
    assertTrue(Files.notExists(dir.resolve("back.bin.part")));

    Cli.Result info = cli.run("info", "--json");
    assertEquals(0, info.exit(), info::toString);
    assertTrue(((Number) Json.parseObject(info.out()).get("num_files")).longValue() >= 1);

    Cli.Result rm = cli.run("rm", "it/several parts.bin");
    assertEquals(0, rm.exit(), rm::toString);
    Cli.Result gone = cli.run("download", "it/several parts.bin", "again.bin");
    assertEquals(4, gone.exit(), gone::toString);
  }

  @Test
  void acceptsTheBareAddressAndPrintsPlainProgressWhenNotATerminal() throws Exception {
    Cli cli = new Cli(dir, service);
    cli.env.put("FILES_API_URL", service.root.toString()); // http://127.0.0.1:PORT/
    Path file = randomFile(dir.resolve("plain.bin"), 12_000_000, 2);
    Cli.Result upload =
        cli.run("upload", file.toString(), "--limit-rate", "8M", "--progress-interval", "0.5");
    assertEquals(0, upload.exit(), upload::toString);
    assertTrue(upload.out().startsWith("uploaded plain.bin (11.4 MiB"), upload::toString);
    assertTrue(
        upload.err().lines().anyMatch(l -> l.matches("plain\\.bin: \\d+% .* of 11\\.4 MiB, .*")),
        upload::toString);
    assertTrue(!upload.err().contains("\r"), "no bar when stderr is not a terminal");
  }

  @Test
  void downloadGoesOnFromAPartialFile() throws Exception {
    Cli cli = new Cli(dir, service);
    Path file = randomFile(dir.resolve("partial.bin"), 9_000_000, 3);
    assertEquals(0, cli.run("upload", file.toString(), "--quiet").exit());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(dir.resolve("copy.bin.part"), java.util.Arrays.copyOf(bytes, 4_000_000));
    Cli.Result download = cli.run("download", "partial.bin", "copy.bin", "--json");
    assertEquals(0, download.exit(), download::toString);
    assertEquals(4_000_000L, Json.parseObject(download.out()).get("resumed_at"));
    assertEquals(-1, Files.mismatch(file, dir.resolve("copy.bin")));
  }

  @Test
  void anEmptyFileGoesThroughTheSimpleUpload() throws Exception {
    Cli cli = new Cli(dir, service);
    Files.write(dir.resolve("empty.txt"), new byte[0]);
    Cli.Result upload = cli.run("upload", "empty.txt", "--json");
    assertEquals(0, upload.exit(), upload::toString);
    assertEquals("empty.txt", Json.parseObject(upload.out()).get("file_id"));
    Cli.Result download = cli.run("download", "empty.txt", "back.txt");
    assertEquals(0, download.exit(), download::toString);
    assertEquals(0, Files.size(dir.resolve("back.txt")));
  }
}
