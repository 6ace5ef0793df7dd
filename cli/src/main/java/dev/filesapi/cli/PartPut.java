package dev.filesapi.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * One part's PUT to its presigned URL: the part's range of the file read in chunks of {@link
 * #CHUNK} bytes (positional reads, so parts share one channel), hashed, counted for the progress
 * and written straight to the connection ({@link HttpURLConnection} in fixed-length streaming mode,
 * its connections kept alive between parts).
 *
 * <p>Not {@code java.net.http}: its body publisher hands every chunk through its own threads and
 * buffers, which cost the tool ~0.4 s more CPU a GiB (BENCHMARKS) on machines where the store or
 * the service shares the cores. A watchdog disconnects a PUT that outlives its timeout, since a
 * blocked write has no timeout of its own.
 */
final class PartPut {
  static final int CHUNK = 256 * 1024;

  /**
   * What the store answered: the status, the ETag, the body (error answers' XML) and Retry-After.
   */
  record Answer(int status, Optional<String> etag, String body, Optional<String> retryAfter) {}

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "part-put-watchdog");
            thread.setDaemon(true);
            return thread;
          });

  private final FileChannel file;
  private final long offset;
  private final long length;
  private final RateLimit rateLimit;
  private final Progress progress;
  private final CRC32C crc = new CRC32C();
  private long counted;

  PartPut(FileChannel file, long offset, long length, RateLimit rateLimit, Progress progress) {
    this.file = file;
    this.offset = offset;
    this.length = length;
    this.rateLimit = rateLimit;
    this.progress = progress;
  }

  /** PUTs the part once; an answer of any status, or an IOException when none came in time. */
  Answer send(URI url, Duration timeout) throws IOException {
    HttpURLConnection connection =
        Http.open("PUT", url, Map.of("User-Agent", ApiClient.USER_AGENT), timeout);
    connection.setDoOutput(true);
    connection.setFixedLengthStreamingMode(length);
    AtomicBoolean cut = new AtomicBoolean();
    ScheduledFuture<?> watchdog =
        WATCHDOG.schedule(
            () -> {
              cut.set(true);
              connection.disconnect();
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      try (OutputStream out = connection.getOutputStream()) {
        writeTo(out);
      }
      try (Http.Exchange answer = Http.answer(connection)) {
        return new Answer(
            answer.status(), answer.header("ETag"), answer.text(), answer.header("Retry-After"));
      }
    } catch (IOException e) {
      connection.disconnect();
      if (cut.get()) {
        throw new SocketTimeoutException("no answer within " + timeout.toSeconds() + " s");
      }
      throw e;
    } finally {
      watchdog.cancel(false);
    }
  }

  /**
   * Writes the part's bytes to {@code out}, hashing and counting them; each call starts over from
   * the part's first byte and takes back what an earlier one counted.
   */
  void writeTo(OutputStream out) throws IOException {
    uncount();
    crc.reset();
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(length, 1)));
    long position = offset;
    long end = offset + length;
    while (position < end) {
      int size = (int) Math.min(chunk.capacity(), end - position);
      rateLimit.acquire(size);
      chunk.clear().limit(size);
      while (chunk.hasRemaining()) {
        if (file.read(chunk, position + chunk.position()) < 0) {
          throw new IOException("the file became shorter while it was read");
        }
      }
      out.write(chunk.array(), 0, size);
      crc.update(chunk.array(), 0, size);
      position += size;
      counted += size;
      progress.addBytes(size);
    }
  }

  /** The CRC32C of the bytes the last attempt wrote (the whole part once it was taken). */
  int crc() {
    return (int) crc.getValue();
  }

  /** Takes back from the progress what a failed attempt had counted. */
  void uncount() {
    progress.addBytes(-counted);
    counted = 0;
  }
}
