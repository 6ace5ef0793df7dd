package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {
  private static int crc(byte[] bytes, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, to - from);
    return (int) crc.getValue();
  }

  @Test
  void combinedPartsEqualTheWholeFilesCrc() {
    byte[] bytes = new byte[100_000];
    new Random(35).nextBytes(bytes);
    int whole = crc(bytes, 0, bytes.length);
    for (int partSize : new int[] {1, 7, 4096, 33_333, 99_999}) {
      int combined = 0;
      for (int offset = 0; offset < bytes.length; offset += partSize) {
        int end = Math.min(bytes.length, offset + partSize);
        int part = crc(bytes, offset, end);
        combined = offset == 0 ? part : Crc32c.combine(combined, part, end - offset);
      }
      assertEquals(whole, combined, "parts of " + partSize);
    }
  }

  @Test
  void base64IsTheBigEndianCrc() {
    // RFC 3720's check value: CRC32C("123456789") = 0xE3069283
    int crc = crc("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9);
    assertEquals(0xE3069283, crc);
    assertEquals("4waSgw==", Crc32c.base64(crc));
  }
}
