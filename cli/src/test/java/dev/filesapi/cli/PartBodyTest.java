package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A part's body: its range of the file, chunk by chunk as asked for, counted and hashed. */
class PartBodyTest {
  @TempDir Path dir;

  /** Takes one chunk at a time, as a slow socket would, and keeps what it got. */
  private static final class OneAtATime implements Flow.Subscriber<ByteBuffer> {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    Flow.Subscription subscription;
    int chunks;
    boolean completed;
    Throwable failed;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(ByteBuffer item) {
      chunks++;
      byte[] bytes = new byte[item.remaining()];
      item.get(bytes);
      got.writeBytes(bytes);
      subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      failed = throwable;
    }

    @Override
    public void onComplete() {
      completed = true;
    }
  }

  @Test
  void sendsItsRangeInChunksCountsItAndHashesIt() throws Exception {
    byte[] file = new byte[3 * PartBody.CHUNK + 1000];
    new Random(3).nextBytes(file);
    Path path = Files.write(dir.resolve("f.bin"), file);
    long offset = 777;
    long length = 2 * PartBody.CHUNK + 5;
    Progress progress = new Progress("f.bin", file.length, 1);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      PartBody body = new PartBody(channel, offset, length, RateLimit.NONE, progress);
      OneAtATime first = new OneAtATime();
      body.subscribe(first);

      byte[] expected = Arrays.copyOfRange(file, (int) offset, (int) (offset + length));
      assertTrue(first.completed, "completed");
      assertEquals(3, first.chunks);
      assertArrayEquals(expected, first.got.toByteArray());
      CRC32C crc = new CRC32C();
      crc.update(expected);
      assertEquals((int) crc.getValue(), body.crc());
      assertEquals(length, progress.snapshot(System.nanoTime()).bytes());

      // A second subscription (an attempt sent again) starts over; the first one's count is taken
      // back, so the progress counts the part once.
      OneAtATime again = new OneAtATime();
      body.subscribe(again);
      assertArrayEquals(expected, again.got.toByteArray());
      assertEquals(length, progress.snapshot(System.nanoTime()).bytes());
      body.uncount();
      assertEquals(0, progress.snapshot(System.nanoTime()).bytes());
      assertEquals(length, body.contentLength());
    }
  }

  @Test
  void aFileShorterThanItsPartIsAnError() throws Exception {
    Path path = Files.write(dir.resolve("short.bin"), new byte[100]);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      PartBody body = new PartBody(channel, 0, 200, RateLimit.NONE, new Progress("s", 200, 1));
      OneAtATime subscriber = new OneAtATime();
      body.subscribe(subscriber);
      assertTrue(
          subscriber.failed instanceof java.io.IOException, String.valueOf(subscriber.failed));
    }
  }
}
