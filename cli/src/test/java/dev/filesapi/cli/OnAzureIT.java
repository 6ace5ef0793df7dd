package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same tool against the service whose store is Azure Blob (Azurite): parts are Put Blocks,
 * which answer no ETag, so each part's token is the empty string; the file downloads byte-identical
 * from a SAS URL. Skipped where Azurite is not installed, except in CI.
 */
@EnabledIf(value = "dev.filesapi.cli.Azurite#runnable", disabledReason = "Azurite is not installed")
class OnAzureIT {
  private static PackagedService service;

  @TempDir Path dir;

  @BeforeAll
  static void service() throws Exception {
    service = PackagedService.onAzure(Azurite.get());
  }

  @Test
  void uploadsInPartsListsDownloadsByteIdenticalAndDeletes() throws Exception {
    Cli cli = new Cli(dir, service);
    Path file = UploadDownloadIT.randomFile(dir.resolve("on azure.bin"), 12_000_000, 7);
    Cli.Result upload = cli.run("upload", file.toString(), "--name", "az/on azure.bin", "--json");
    assertEquals(0, upload.exit(), upload::toString);
    Map<String, Object> result = Json.parseObject(upload.out().strip());
    assertEquals(3L, result.get("parts_sent")); // 5 MiB parts
    assertEquals(12_000_000L, result.get("num_bytes"));

    Cli.Result ls = cli.run("ls", "--json");
    assertEquals(0, ls.exit(), ls::toString);
    assertTrue(
        ((List<?>) Json.parse(ls.out()))
            .stream().anyMatch(f -> "az/on azure.bin".equals(((Map<?, ?>) f).get("file_id"))),
        ls::toString);

    Cli.Result download = cli.run("download", "az/on azure.bin", "back.bin", "--json");
    assertEquals(0, download.exit(), download::toString);
    assertEquals(-1, Files.mismatch(file, dir.resolve("back.bin")));

    Cli.Result rm = cli.run("rm", "az/on azure.bin");
    assertEquals(0, rm.exit(), rm::toString);
    assertEquals(4, cli.run("download", "az/on azure.bin", "again.bin").exit());
  }
}
