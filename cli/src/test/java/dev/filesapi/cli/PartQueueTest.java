package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PartQueueTest {
  private static Part part(int n, Instant expires) {
    return new Part(n, n * 10L, 10, "http://store/" + n, expires);
  }

  @Test
  void handsOutLowestFirstAndCountsInFlight() {
    Instant later = Instant.now().plusSeconds(3600);
    PartQueue queue = new PartQueue(List.of(part(5, later), part(2, later), part(9, later)));
    assertEquals(2, queue.next().number());
    assertEquals(5, queue.next().number());
    assertEquals(2, queue.inFlight());
    assertEquals(1, queue.waiting());
    queue.done();
    assertEquals(9, queue.next().number());
    assertNull(queue.next());
  }

  @Test
  void stopEndsTheHandingOut() {
    Instant later = Instant.now().plusSeconds(3600);
    PartQueue queue = new PartQueue(List.of(part(0, later), part(1, later)));
    queue.next();
    queue.stop();
    assertNull(queue.next());
    assertEquals(1, queue.waiting());
  }

  @Test
  void refreshesOnlyTheWaitingPartsThatExpireSoon() {
    Instant now = Instant.now();
    PartQueue queue =
        new PartQueue(
            List.of(part(0, now.plusSeconds(30)), part(1, now.plusSeconds(3600)), part(2, now)));
    assertEquals(List.of(0, 2), queue.expiringBefore(now.plusSeconds(60), 10));
    assertEquals(List.of(0), queue.expiringBefore(now.plusSeconds(60), 1));
    queue.refreshed(List.of(new Part(2, 0, 0, "http://fresh/2", now.plusSeconds(3600))));
    queue.next();
    queue.next();
    Part two = queue.next();
    assertEquals("http://fresh/2", two.url());
    assertEquals(20, two.offset()); // the range is the queue's own, only the URL is new
  }

  @Test
  void workersNeverExceedTheirNumberAndSendEachPartOnce() throws InterruptedException {
    Instant later = Instant.now().plusSeconds(3600);
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      parts.add(part(i, later));
    }
    PartQueue queue = new PartQueue(parts);
    AtomicInteger maxInFlight = new AtomicInteger();
    ConcurrentHashMap<Integer, Boolean> sent = new ConcurrentHashMap<>();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Thread t =
          new Thread(
              () -> {
                Part p;
                while ((p = queue.next()) != null) {
                  maxInFlight.accumulateAndGet(queue.inFlight(), Math::max);
                  sent.merge(p.number(), true, (a, b) -> false);
                  queue.done();
                }
              });
      t.start();
      workers.add(t);
    }
    for (Thread t : workers) {
      t.join();
    }
    assertEquals(200, sent.size());
    assertEquals(0, sent.values().stream().filter(v -> !v).count());
    assertEquals(true, maxInFlight.get() <= 4);
  }
}
