package dev.filesapi.cli;

import java.util.Locale;

/** The text of progress output: the terminal's bar, the plain lines and their units. */
final class ProgressFormat {
  private ProgressFormat() {}

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  /** Bytes in binary units with three significant digits: {@code 512 B}, {@code 1.21 GiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double value = n;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    String pattern = value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s";
    return String.format(Locale.ROOT, pattern, value, UNITS[unit]);
  }

  /** A rate per second, or {@code –} before one is known. */
  static String rate(double bytesPerSecond) {
    if (!(bytesPerSecond > 0) || Double.isInfinite(bytesPerSecond)) {
      return "-- B/s";
    }
    return bytes((long) bytesPerSecond) + "/s";
  }

  /** Time left as {@code m:ss} or {@code h:mm:ss}, {@code --:--} when unknown. */
  static String eta(long remainingBytes, double bytesPerSecond) {
    if (remainingBytes <= 0) {
      return "0:00";
    }
    if (!(bytesPerSecond > 0)) {
      return "--:--";
    }
    double secondsLeft = remainingBytes / bytesPerSecond;
    if (secondsLeft > 99 * 3600) {
      return "--:--";
    }
    return duration((long) Math.ceil(secondsLeft));
  }

  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }

  static int percent(long done, long total) {
    return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
  }

  /**
   * The terminal's line, at most {@code width} characters: name, percentage, bar, bytes, rate, ETA
   * and parts in flight; the bar shrinks (and goes) first, then the name, when the line is narrow.
   */
  static String bar(String name, Progress.Snapshot s, double rate, int width) {
    String head = " " + percent(s.bytes(), s.totalBytes()) + "%";
    String tail =
        s.phase().isEmpty()
            ? " "
                + bytes(s.bytes())
                + " / "
                + bytes(s.totalBytes())
                + "  "
                + rate(rate)
                + "  ETA "
                + eta(s.totalBytes() - s.bytes(), rate)
                + "  "
                + parts(s)
            : " " + s.phase() + "  " + parts(s);
    int room = width - head.length() - tail.length() - 1;
    String shown = shorten(name, Math.min(24, Math.max(0, room - 12)));
    int barWidth = Math.min(40, room - shown.length() - 3);
    String bar = "";
    if (barWidth >= 10) {
      int filled = (int) ((long) barWidth * percent(s.bytes(), s.totalBytes()) / 100);
      bar = " [" + "#".repeat(filled) + "-".repeat(barWidth - filled) + "]";
    }
    String line = shown + head + bar + tail;
    return line.length() > width ? line.substring(0, Math.max(0, width)) : line;
  }

  private static String parts(Progress.Snapshot s) {
    return s.partsDone() + "/" + s.totalParts() + " parts, " + s.inFlight() + " in flight";
  }

  static String shorten(String text, int width) {
    if (text.length() <= width) {
      return text;
    }
    if (width <= 1) {
      return "";
    }
    return text.substring(0, width - 1) + "…";
  }

  /** A line for logs and pipes. */
  static String plain(String name, Progress.Snapshot s, double rate) {
    if (!s.phase().isEmpty()) {
      return name + ": " + s.phase() + ", " + parts(s);
    }
    return name
        + ": "
        + percent(s.bytes(), s.totalBytes())
        + "% "
        + bytes(s.bytes())
        + " of "
        + bytes(s.totalBytes())
        + ", "
        + rate(rate)
        + ", ETA "
        + eta(s.totalBytes() - s.bytes(), rate)
        + ", "
        + parts(s);
  }
}
