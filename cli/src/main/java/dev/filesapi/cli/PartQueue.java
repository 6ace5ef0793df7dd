package dev.filesapi.cli;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts still to send, handed out lowest number first to the workers (at most {@code
 * --parallel} of them, so at most that many parts are in flight); stops handing out once a part has
 * failed for good or the run is interrupted.
 */
final class PartQueue {
  private final ArrayDeque<Part> waiting = new ArrayDeque<>();
  private int inFlight;
  private boolean stopped;

  PartQueue(Collection<Part> parts) {
    List<Part> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparingInt(Part::number));
    waiting.addAll(sorted);
  }

  /** The next part to send, or null when there is none (or the queue was stopped). */
  synchronized Part next() {
    if (stopped || waiting.isEmpty()) {
      return null;
    }
    inFlight++;
    return waiting.pollFirst();
  }

  /** A part handed out by {@link #next} has ended, sent or not. */
  synchronized void done() {
    inFlight--;
    notifyAll();
  }

  synchronized void stop() {
    stopped = true;
    notifyAll();
  }

  synchronized boolean stopped() {
    return stopped;
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  /** Numbers of waiting parts whose URLs expire before {@code time}, at most {@code max}. */
  synchronized List<Integer> expiringBefore(Instant time, int max) {
    List<Integer> numbers = new ArrayList<>();
    for (Part part : waiting) {
      if (numbers.size() >= max) {
        break;
      }
      if (part.expiresAt().isBefore(time)) {
        numbers.add(part.number());
      }
    }
    return numbers;
  }

  /** Replaces waiting parts' URLs with fresh ones. */
  synchronized void refreshed(List<Part> fresh) {
    if (fresh.isEmpty()) {
      return;
    }
    Map<Integer, Part> byNumber = new HashMap<>();
    fresh.forEach(p -> byNumber.put(p.number(), p));
    List<Part> updated = new ArrayList<>(waiting.size());
    for (Part part : waiting) {
      Part f = byNumber.get(part.number());
      updated.add(f == null ? part : part.withUrl(f));
    }
    waiting.clear();
    waiting.addAll(updated);
  }
}
