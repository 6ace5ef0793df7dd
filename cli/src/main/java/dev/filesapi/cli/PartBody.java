package dev.filesapi.cli;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * One part's bytes as the body of its PUT: read from the file as the HTTP client asks for them
 * (positional reads of {@link #CHUNK} bytes, so parts share one channel; no more chunks than the
 * client has asked for), counted for the progress and hashed. Read straight into the buffers the
 * client sends, in chunks of 256 KiB: {@code BodyPublishers.ofInputStream} allocated a 16 KiB array
 * per read and cost the tool twice the CPU of the source API's client for the same upload.
 */
final class PartBody implements HttpRequest.BodyPublisher {
  static final int CHUNK = 256 * 1024;

  private final FileChannel file;
  private final long offset;
  private final long length;
  private final RateLimit rateLimit;
  private final Progress progress;
  private volatile Reading last;

  PartBody(FileChannel file, long offset, long length, RateLimit rateLimit, Progress progress) {
    this.file = file;
    this.offset = offset;
    this.length = length;
    this.rateLimit = rateLimit;
    this.progress = progress;
  }

  @Override
  public long contentLength() {
    return length;
  }

  /**
   * Each subscription reads the part from its start; a new one takes back what the last counted.
   */
  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    uncount();
    Reading reading = new Reading(subscriber);
    last = reading;
    subscriber.onSubscribe(reading);
  }

  /** The CRC32C of the bytes the last subscription read (the whole part once the PUT succeeded). */
  int crc() {
    Reading reading = last;
    return reading == null ? 0 : (int) reading.crc.getValue();
  }

  /** Takes back from the progress what a failed attempt had counted. */
  void uncount() {
    Reading reading = last;
    if (reading != null) {
      progress.addBytes(-reading.counted.getAndSet(0));
    }
  }

  private final class Reading implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger drains = new AtomicInteger();
    private final AtomicLong counted = new AtomicLong();
    private final CRC32C crc = new CRC32C();
    private volatile boolean done;
    private long position = offset;

    Reading(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        done = true;
        subscriber.onError(new IllegalArgumentException("request of " + n + " chunks"));
        return;
      }
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override
    public void cancel() {
      done = true;
    }

    /** Hands out chunks while asked for; one thread at a time, the others leave it the work. */
    private void drain() {
      if (drains.getAndIncrement() != 0) {
        return;
      }
      do {
        while (!done && demand.get() > 0) {
          long left = offset + length - position;
          if (left <= 0) {
            done = true;
            subscriber.onComplete();
            break;
          }
          ByteBuffer chunk;
          try {
            chunk = read((int) Math.min(CHUNK, left));
          } catch (IOException e) {
            done = true;
            subscriber.onError(e);
            break;
          }
          demand.decrementAndGet();
          subscriber.onNext(chunk);
        }
      } while (drains.decrementAndGet() != 0);
    }

    private ByteBuffer read(int size) throws IOException {
      rateLimit.acquire(size);
      ByteBuffer chunk = ByteBuffer.allocate(size);
      while (chunk.hasRemaining()) {
        if (file.read(chunk, position + chunk.position()) < 0) {
          throw new IOException("the file became shorter while it was read");
        }
      }
      chunk.flip();
      crc.update(chunk.array(), 0, size);
      position += size;
      counted.addAndGet(size);
      progress.addBytes(size);
      return chunk;
    }
  }
}
