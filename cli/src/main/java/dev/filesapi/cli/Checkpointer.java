package dev.filesapi.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records finished parts with the service ({@code parts/checkpoint}) as they finish, so a run
 * killed at any moment resumes without them. One request at a time on its own thread, carrying
 * every part finished since the last one; a checkpoint that fails is only a warning (the complete
 * carries every token of the run anyway).
 */
final class Checkpointer implements AutoCloseable {
  private final ApiClient api;
  private final String path;
  private final Map<Integer, String> pending = new LinkedHashMap<>();
  private final Thread thread;
  private boolean sending;
  private boolean closed;
  private int checkpointed;
  private String warning;

  Checkpointer(ApiClient api, String uploadId) {
    this.api = api;
    this.path = "files/uploads/" + ApiClient.segment(uploadId) + "/parts/checkpoint";
    this.thread = new Thread(this::run, "checkpoint");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  synchronized void add(int partNumber, String token) {
    pending.put(partNumber, token);
    notifyAll();
  }

  private void run() {
    while (true) {
      List<Map<String, Object>> batch = new ArrayList<>();
      synchronized (this) {
        while (pending.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (pending.isEmpty()) {
          return;
        }
        pending.forEach(
            (number, token) -> {
              Map<String, Object> entry = new LinkedHashMap<>();
              entry.put("part_number", number);
              entry.put("part_token", token);
              batch.add(entry);
            });
        pending.clear();
        sending = true;
      }
      boolean ok = false;
      try {
        api.postJson(path, Map.of("parts", batch), "checkpoint");
        ok = true;
      } catch (RuntimeException e) {
        synchronized (this) {
          warning = e.getMessage();
        }
      } finally {
        synchronized (this) {
          sending = false;
          if (ok) {
            checkpointed += batch.size();
          }
          notifyAll();
        }
      }
    }
  }

  /** Waits until every part added so far has been sent (or {@code millis} passed). */
  synchronized void drain(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (!pending.isEmpty() || sending) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return;
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  synchronized int checkpointed() {
    return checkpointed;
  }

  /** The last checkpoint failure, or null. */
  synchronized String warning() {
    return warning;
  }

  @Override
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
