package dev.filesapi.file;

import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import org.jboss.logging.Logger;

/**
 * One object written to the store from a stream, in memory bounded by a few part buffers whatever
 * its size: what fits one buffer is written with one PUT when the stream ends; anything larger
 * becomes a multipart upload in the store, each full buffer uploaded as a part while the next one
 * fills, at most {@code partsInFlight} at a time (a writer that outruns the store waits, and with
 * it the client). The bytes are counted as they come: past the limit the write fails at once.
 *
 * <p>Not thread-safe: one writer. {@link #abort} undoes whatever reached the store.
 */
final class StreamedObject extends OutputStream {
  private static final Logger LOG = Logger.getLogger(StreamedObject.class);

  /** What the service does before the store is first touched, given the size (or an estimate). */
  @FunctionalInterface
  interface BeforeStore {
    void check(long numBytes, boolean exact);
  }

  /** What is refused when the stream outgrows a limit. */
  @FunctionalInterface
  interface Limit {
    /** Throws when {@code numBytes} is over the limit. */
    void check(long numBytes);
  }

  /** A small file takes little: the first buffer starts small and grows to a part's size. */
  private static final int FIRST_BUFFER = 64 * 1024;

  private final StorageBackend storage;
  private final String key;
  private final String contentType;
  private final int partSize;
  private final int partsInFlight;
  private final Executor executor;
  private final Limit limit;
  private final BeforeStore beforeStore;
  private final long estimatedSize;

  private final Deque<byte[]> free = new ArrayDeque<>();
  private final Deque<FutureTask<String>> inFlight = new ArrayDeque<>();
  private final List<PartToken> tokens = new ArrayList<>();
  private int buffers;
  private byte[] buffer;
  private int filled;
  private long count;
  private String uploadId;
  private boolean finished;

  StreamedObject(
      StorageBackend storage,
      String key,
      String contentType,
      int partSize,
      int partsInFlight,
      Executor executor,
      Limit limit,
      BeforeStore beforeStore,
      long estimatedSize) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.key = Objects.requireNonNull(key, "key");
    this.contentType = Objects.requireNonNull(contentType, "contentType");
    if (partSize < storage.capabilities().minPartSize() || partsInFlight < 1) {
      throw new IllegalArgumentException("part size under the store's minimum, or no part");
    }
    this.partSize = partSize;
    this.partsInFlight = partsInFlight;
    this.executor = Objects.requireNonNull(executor, "executor");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.beforeStore = Objects.requireNonNull(beforeStore, "beforeStore");
    this.estimatedSize = estimatedSize;
  }

  /** Bytes written so far. */
  long size() {
    return count;
  }

  /** Whether the object went to the store as a multipart upload. */
  boolean multipart() {
    return uploadId != null;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (finished) {
      throw new IllegalStateException("the object is finished");
    }
    if (length == 0) {
      return;
    }
    limit.check(count + length);
    count += length;
    while (length > 0) {
      if (buffer == null) {
        buffer = new byte[Math.min(partSize, FIRST_BUFFER)];
        buffers++;
      } else if (filled == buffer.length) {
        if (buffer.length < partSize) {
          buffer = Arrays.copyOf(buffer, (int) Math.min(partSize, 4L * buffer.length));
        } else {
          sendPart();
          buffer = takeBuffer();
        }
      }
      int n = Math.min(length, buffer.length - filled);
      System.arraycopy(bytes, offset, buffer, filled, n);
      filled += n;
      offset += n;
      length -= n;
    }
  }

  /** Stores what was written: one PUT, or the last part and the multipart upload's complete. */
  void finish() {
    finished = true;
    if (uploadId == null) {
      beforeStore.check(count, true);
      storage.put(key, contentType, buffer == null ? new byte[0] : buffer, filled);
      release();
      return;
    }
    sendPart();
    while (!inFlight.isEmpty()) {
      awaitOldest();
    }
    storage.complete(key, uploadId, tokens);
    release();
  }

  /**
   * Gives up: waits for the parts in flight (a part uploaded after the abort would outlive it in
   * the store), then aborts the store's multipart upload, if any.
   */
  void abort() {
    finished = true;
    for (FutureTask<String> part : inFlight) {
      try {
        part.get();
      } catch (ExecutionException ignored) {
        // being given up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    inFlight.clear();
    release();
    if (uploadId != null) {
      try {
        storage.abort(key, uploadId);
      } catch (RuntimeException e) {
        LOG.warnf(
            "could not abort the multipart upload of %s; the store's lifecycle rule must: %s",
            key, e.getMessage());
      }
    }
  }

  /** Uploads the current buffer as the next part, starting the multipart upload first if needed. */
  private void sendPart() {
    if (uploadId == null) {
      beforeStore.check(Math.max(estimatedSize, count), false);
      uploadId = storage.begin(key, contentType);
    }
    while (inFlight.size() >= partsInFlight) {
      awaitOldest();
    }
    byte[] content = buffer;
    int length = filled;
    int partNumber = tokens.size() + inFlight.size();
    FutureTask<String> part =
        new FutureTask<>(
            () -> {
              try {
                return storage.putPart(key, uploadId, partNumber, content, length);
              } finally {
                synchronized (free) {
                  free.push(content);
                }
              }
            });
    inFlight.add(part);
    executor.execute(part);
    buffer = null;
    filled = 0;
  }

  /** Waits for the oldest part in flight and keeps its token; its failure is the stream's. */
  private void awaitOldest() {
    FutureTask<String> oldest = inFlight.peek();
    String token;
    try {
      token = oldest.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a part was uploaded", e);
    }
    inFlight.remove();
    tokens.add(new PartToken(tokens.size(), token));
  }

  /** A buffer: a free one, a new one while fewer than the bound exist, else the next one freed. */
  private byte[] takeBuffer() {
    while (true) {
      synchronized (free) {
        if (!free.isEmpty()) {
          return free.pop();
        }
      }
      if (buffers < partsInFlight + 1) {
        buffers++;
        return new byte[partSize];
      }
      awaitOldest();
    }
  }

  private void release() {
    buffer = null;
    synchronized (free) {
      free.clear();
    }
  }
}
