package dev.filesapi.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * One part's bytes read from the file as the HTTP client asks for them (positional reads, so parts
 * share one channel), never more than one buffer in memory; counts what it hands out and hashes it.
 */
final class PartStream extends InputStream {
  private final FileChannel file;
  private final long end;
  private final RateLimit rateLimit;
  private final Progress progress;
  private final CRC32C crc = new CRC32C();
  private long position;
  private long counted;

  PartStream(FileChannel file, long offset, long length, RateLimit rateLimit, Progress progress) {
    this.file = file;
    this.position = offset;
    this.end = offset + length;
    this.rateLimit = rateLimit;
    this.progress = progress;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int off, int len) throws IOException {
    long left = end - position;
    if (left <= 0) {
      return -1;
    }
    int want = (int) Math.min(len, left);
    rateLimit.acquire(want);
    int n = file.read(ByteBuffer.wrap(buffer, off, want), position);
    if (n < 0) {
      throw new IOException("the file became shorter while it was read");
    }
    position += n;
    crc.update(buffer, off, n);
    counted += n;
    progress.addBytes(n);
    return n;
  }

  /** The CRC32C of the bytes read so far (the whole part once the PUT succeeded). */
  int crc() {
    return (int) crc.getValue();
  }

  /** Takes back from the progress what a failed attempt had counted. */
  void uncount() {
    progress.addBytes(-counted);
    counted = 0;
  }
}
