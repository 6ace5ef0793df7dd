package dev.filesapi.cli;

import java.util.Base64;

/**
 * CRC32C (Castagnoli) arithmetic the JDK lacks: joining the CRCs of consecutive byte ranges (zlib's
 * {@code crc32_combine} with the Castagnoli polynomial), so parts hashed in parallel give the whole
 * file's CRC, and the service's base64 form of it.
 */
final class Crc32c {
  private static final long POLYNOMIAL = 0x82F63B78L; // reflected Castagnoli

  private Crc32c() {}

  /** The CRC of A followed by B, from crc(A), crc(B) and B's length. */
  static int combine(int crcA, int crcB, long lengthB) {
    if (lengthB <= 0) {
      return crcA;
    }
    long[] even = new long[32];
    long[] odd = new long[32];
    odd[0] = POLYNOMIAL;
    long row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    long crc = crcA & 0xffffffffL;
    long length = lengthB;
    do {
      square(even, odd);
      if ((length & 1) != 0) {
        crc = times(even, crc);
      }
      length >>= 1;
      if (length == 0) {
        break;
      }
      square(odd, even);
      if ((length & 1) != 0) {
        crc = times(odd, crc);
      }
      length >>= 1;
    } while (length != 0);
    return (int) (crc ^ (crcB & 0xffffffffL));
  }

  private static long times(long[] matrix, long vector) {
    long sum = 0;
    int i = 0;
    while (vector != 0) {
      if ((vector & 1) != 0) {
        sum ^= matrix[i];
      }
      vector >>>= 1;
      i++;
    }
    return sum;
  }

  private static void square(long[] square, long[] matrix) {
    for (int n = 0; n < 32; n++) {
      square[n] = times(matrix, matrix[n]);
    }
  }

  /** Base64 of the CRC's four bytes, big-endian: the service's {@code integrity_checksum}. */
  static String base64(int crc) {
    byte[] bytes = {(byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc};
    return Base64.getEncoder().encodeToString(bytes);
  }
}
