package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressFormatTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void bytesInBinaryUnitsWithThreeDigits() {
    assertEquals("0 B", ProgressFormat.bytes(0));
    assertEquals("1023 B", ProgressFormat.bytes(1023));
    assertEquals("1.00 KiB", ProgressFormat.bytes(1024));
    assertEquals("21.9 MiB", ProgressFormat.bytes(23_000_000));
    assertEquals("512 MiB", ProgressFormat.bytes(512 * MIB));
    assertEquals("233 GiB", ProgressFormat.bytes(250_000_000_000L));
    assertEquals("1.00 TiB", ProgressFormat.bytes(1L << 40));
  }

  @Test
  void rateAndEta() {
    assertEquals("-- B/s", ProgressFormat.rate(0));
    assertEquals("85.0 MiB/s", ProgressFormat.rate(85 * MIB));
    assertEquals("--:--", ProgressFormat.eta(100, 0));
    assertEquals("0:00", ProgressFormat.eta(0, 0));
    assertEquals("0:21", ProgressFormat.eta(21 * MIB, MIB));
    assertEquals("1:01:01", ProgressFormat.eta(3661 * MIB, MIB));
    assertEquals("0:01", ProgressFormat.eta(1, MIB)); // rounded up: never 0:00 before the end
  }

  private static Progress.Snapshot snapshot(long bytes, String phase) {
    return new Progress.Snapshot(0, bytes, 100 * MIB, 42, 100, 3, phase);
  }

  @Test
  void barHasEverythingAndFitsTheWidth() {
    String line = ProgressFormat.bar("big.bin", snapshot(42 * MIB, ""), 8.5 * MIB, 120);
    assertTrue(line.length() <= 120, line);
    assertEquals(
        "big.bin 42% [###############----------------------] 42.0 MiB / 100 MiB  8.50 MiB/s"
            + "  ETA 0:07  42/100 parts, 3 in flight",
        line);
  }

  @Test
  void narrowTerminalDropsTheBarThenShortensTheName() {
    String line =
        ProgressFormat.bar("a-very-long-file-name.tar.gz", snapshot(42 * MIB, ""), MIB, 80);
    assertTrue(line.length() <= 80, line);
    assertTrue(line.contains("42%") && line.contains("ETA") && line.contains("3 in flight"), line);
    String tiny = ProgressFormat.bar("name", snapshot(42 * MIB, ""), MIB, 30);
    assertEquals(30, tiny.length());
  }

  @Test
  void phaseReplacesBytesWhileTheStoreAssembles() {
    String line = ProgressFormat.bar("big.bin", snapshot(100 * MIB, "assembling"), 0, 100);
    assertTrue(line.contains("100%") && line.contains("assembling"), line);
  }

  @Test
  void plainLine() {
    assertEquals(
        "big.bin: 42% 42.0 MiB of 100 MiB, 1.00 MiB/s, ETA 0:58, 42/100 parts, 3 in flight",
        ProgressFormat.plain("big.bin", snapshot(42 * MIB, ""), MIB));
  }
}
