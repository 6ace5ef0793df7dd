package dev.filesapi.cli;

import java.io.PrintStream;
import java.util.ArrayDeque;

/**
 * Shows a transfer's {@link Progress} on stderr: a bar redrawn five times a second on a terminal, a
 * plain line every {@code interval} otherwise (logs, pipes), nothing with {@code --quiet}. The rate
 * is over the last five seconds.
 */
final class ProgressPrinter implements AutoCloseable {
  enum Mode {
    BAR,
    PLAIN,
    NONE
  }

  private static final long WINDOW_NANOS = 5_000_000_000L;

  private final Progress progress;
  private final Mode mode;
  private final PrintStream out;
  private final int width;
  private final long intervalMillis;
  private final ArrayDeque<Progress.Snapshot> window = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean running = true;
  private int lastLength;

  ProgressPrinter(Progress progress, Mode mode, PrintStream out, int width, long intervalMillis) {
    this.progress = progress;
    this.mode = mode;
    this.out = out;
    this.width = width;
    this.intervalMillis = mode == Mode.BAR ? 200 : intervalMillis;
    this.thread = new Thread(this::run, "progress");
    this.thread.setDaemon(true);
    if (mode != Mode.NONE) {
      thread.start();
    }
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
      if (running) {
        print(false);
      }
    }
  }

  /** Bytes per second over the window ending with this snapshot. */
  private double rate(Progress.Snapshot now) {
    window.addLast(now);
    while (window.size() > 2 && now.nanoTime() - window.peekFirst().nanoTime() > WINDOW_NANOS) {
      window.removeFirst();
    }
    Progress.Snapshot first = window.peekFirst();
    long nanos = now.nanoTime() - first.nanoTime();
    return nanos <= 0 ? 0 : (now.bytes() - first.bytes()) * 1e9 / nanos;
  }

  private synchronized void print(boolean last) {
    Progress.Snapshot now = progress.snapshot(System.nanoTime());
    double rate = rate(now);
    if (mode == Mode.BAR) {
      String line = ProgressFormat.bar(progress.name, now, rate, width - 1);
      int pad = Math.max(0, lastLength - line.length());
      out.print("\r" + line + " ".repeat(pad) + (last ? "\n" : ""));
      lastLength = line.length();
      out.flush();
    } else if (mode == Mode.PLAIN) {
      out.println(ProgressFormat.plain(progress.name, now, rate));
    }
  }

  /** Stops the output, leaving the bar's last state on its line. */
  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    thread.interrupt();
    if (mode == Mode.BAR) {
      print(true);
    }
  }
}
