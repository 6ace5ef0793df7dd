package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.PackagedApp;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while clients keep sending on keep-alive connections, as kube-proxy does to a terminating
 * pod (issue 25): every request written on a connection gets an HTTP answer, and once the drain is
 * over a new connection is refused rather than accepted and reset. Eight clients send {@code GET
 * /v1/files/info} in a loop over raw sockets (so that a request written and never answered is seen,
 * which an HTTP client library would retry silently) and reconnect when an answer says {@code
 * Connection: close}; each ends on a refused connect.
 */
@Tag("long")
class PackagedDrainIT {
  private static final String API_KEY = "fk_live_drain" + "0".repeat(35);
  private static final String BUCKET = "drain";

  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static PackagedApp app;

  @BeforeAll
  static void start() throws Exception {
    database = EmbeddedDatabase.start(Optional.empty());
    store = EmbeddedStore.inMemory("drain-access-key", "drain-secret-key").start(0, BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    PackagedApp.closeAll(app, store, database);
  }

  @Test
  void sigtermAnswersEveryRequestWrittenAndThenRefusesConnections() throws Exception {
    List<String> options = new ArrayList<>(PackagedApp.databaseSettings(database));
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
    options.add("-Dquarkus.shutdown.delay=2S");
    options.add("-Dquarkus.shutdown.timeout=30S");
    options.add("-Dquarkus.log.console.json.enabled=false");
    app = PackagedApp.start("packaged-drain-", options);
    URI base = app.awaitReady(Duration.ofSeconds(120));
    int port = base.getPort();

    AtomicLong answered = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<String> unanswered = new CopyOnWriteArrayList<>();
    // The first request on a connection opened as the listening socket closed: the kernel had
    // completed the handshake, and closing the socket resets what waits in its accept queue.
    List<String> freshResets = new CopyOnWriteArrayList<>();
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      running.add(
          clients.submit(
              () -> {
                Connection connection = null;
                boolean used = false;
                while (true) {
                  if (connection == null) {
                    try {
                      connection = new Connection(port);
                      used = false;
                    } catch (ConnectException e) {
                      refused.incrementAndGet();
                      return null;
                    }
                  }
                  Answer answer = connection.get("/v1/files/info");
                  if (answer == null) {
                    (used ? unanswered : freshResets)
                        .add("a request written, the connection closed without an answer");
                    connection.close();
                    connection = null;
                    continue;
                  }
                  if (answer.status() < 0) { // the write failed: the service never had it
                    connection.close();
                    connection = null;
                    continue;
                  }
                  answered.incrementAndGet();
                  used = true;
                  if (answer.status() != 200) {
                    statuses.add(answer.status());
                  }
                  if (answer.close()) {
                    connection.close();
                    connection = null;
                  }
                }
              }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (answered.get() < 200 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(answered.get()).as("traffic before SIGTERM\n%s", app.report()).isGreaterThan(0);

    app.process().destroy(); // SIGTERM

    assertThat(app.process().waitFor(60, TimeUnit.SECONDS))
        .as("the process exits\n%s", app.report())
        .isTrue();
    for (Future<?> client : running) {
      client.get(30, TimeUnit.SECONDS);
    }
    clients.shutdown();
    assertThat(unanswered)
        .as("requests on open keep-alive connections never answered\n%s", app.report())
        .isEmpty();
    assertThat(freshResets.size())
        .as("connections reset as the listener closed (at most one per client)")
        .isLessThanOrEqualTo(8);
    assertThat(statuses).as("answers other than 200").allMatch(s -> s == 503);
    assertThat(refused.get()).as("clients that ended on a refused connect").isEqualTo(8);
  }

  record Answer(int status, boolean close) {}

  /** One HTTP/1.1 keep-alive connection over a raw socket. */
  static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int port;

    Connection(int port) throws IOException {
      this.port = port;
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    /** The answer; null when the request was written and none came; status -1: not written. */
    Answer get(String path) {
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nAuthorization: Bearer "
              + API_KEY
              + "\r\n\r\n";
      try {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        return new Answer(-1, true);
      }
      try {
        String statusLine = line();
        if (statusLine == null) {
          return null;
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = 0;
        boolean chunked = false;
        boolean close = false;
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
          String lower = h.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(lower.substring(15).trim());
          } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
            chunked = true;
          } else if (lower.startsWith("connection:") && lower.contains("close")) {
            close = true;
          }
        }
        if (chunked) {
          for (String size = line(); size != null; size = line()) {
            int n = Integer.parseInt(size.trim(), 16);
            in.readNBytes(n + 2);
            if (n == 0) {
              break;
            }
          }
        } else {
          in.readNBytes((int) length);
        }
        return new Answer(status, close);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int n = s.length();
          return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
        }
        s.append((char) c);
      }
      return s.length() == 0 ? null : s.toString();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
