package dev.filesapi.cli;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a transfer has done so far, updated by the parts' threads and read by the printer: bytes
 * (those stored before this run included), parts done and in flight, and the phase.
 */
final class Progress {
  final String name;
  final long totalBytes;
  final int totalParts;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger partsDone = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile String phase = "";

  Progress(String name, long totalBytes, int totalParts) {
    this.name = name;
    this.totalBytes = totalBytes;
    this.totalParts = totalParts;
  }

  void addBytes(long n) {
    bytes.addAndGet(n);
  }

  void partStarted() {
    inFlight.incrementAndGet();
  }

  void partEnded(boolean done) {
    inFlight.decrementAndGet();
    if (done) {
      partsDone.incrementAndGet();
    }
  }

  void partsAlreadyDone(int parts, long partBytes) {
    partsDone.addAndGet(parts);
    bytes.addAndGet(partBytes);
  }

  void phase(String phase) {
    this.phase = phase;
  }

  /** A consistent-enough view for one line of output. */
  Snapshot snapshot(long nanoTime) {
    return new Snapshot(
        nanoTime, bytes.get(), totalBytes, partsDone.get(), totalParts, inFlight.get(), phase);
  }

  record Snapshot(
      long nanoTime,
      long bytes,
      long totalBytes,
      int partsDone,
      int totalParts,
      int inFlight,
      String phase) {}
}
