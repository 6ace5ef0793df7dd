package dev.filesapi.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A TCP relay in front of a server that can be frozen into a store that stops answering: while
 * frozen it still accepts connections (as the kernel of a store under {@code kill -STOP} does) and
 * takes in bytes, but forwards nothing and answers nothing. Bytes taken in while frozen are
 * dropped, never delivered later, so a request its client gave up on cannot take effect behind the
 * client's back; a connection that lost bytes is cut when the relay thaws, and new connections
 * work. Plain sockets, so it hides nothing of the HTTP exchange.
 *
 * <p>It can also hold back the store's answer to CompleteMultipartUpload (a {@code POST} with an
 * {@code uploadId}), the store having done the work: {@link #delayCompleteAnswers} (a store that
 * assembles slowly) and {@link #dropCompleteAnswers} (the connection lost after the store
 * finished).
 */
public final class FreezableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final IntSupplier targetPort;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "freezable-proxy");
            thread.setDaemon(true);
            return thread;
          });
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private boolean frozen;
  private volatile Duration completeDelay = Duration.ZERO;
  private final AtomicInteger completeDrops = new AtomicInteger();
  private final AtomicInteger completesHeld = new AtomicInteger();

  /** One relayed connection: whether its last request was a CompleteMultipartUpload. */
  private static final class Exchange {
    volatile boolean completeSent;
  }

  private FreezableProxy(ServerSocket listener, IntSupplier targetPort) {
    this.listener = listener;
    this.targetPort = targetPort;
  }

  /**
   * Relays a free port of 127.0.0.1 to 127.0.0.1:{@code targetPort}, the port read at each new
   * connection (a restarted server may move).
   */
  public static FreezableProxy start(IntSupplier targetPort) throws IOException {
    FreezableProxy proxy =
        new FreezableProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
    proxy.threads.execute(proxy::acceptLoop);
    return proxy;
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** From now on nothing is relayed in either direction, on new and open connections alike. */
  public void freeze() {
    synchronized (gate) {
      frozen = true;
    }
  }

  /** Relays again on new connections and on those that lost nothing while frozen. */
  public void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  /**
   * From now on the answer to every CompleteMultipartUpload reaches the service this much later
   * (the store has finished); {@link Duration#ZERO} relays them at once again.
   */
  public void delayCompleteAnswers(Duration delay) {
    completeDelay = delay;
  }

  /**
   * The answers to the next {@code count} CompleteMultipartUpload requests are never relayed: the
   * connection is cut once the store has answered.
   */
  public void dropCompleteAnswers(int count) {
    completeDrops.set(count);
  }

  /** How many complete answers were delayed or dropped so far. */
  public int completesHeld() {
    return completesHeld.get();
  }

  /** Waits while frozen; answers whether it was frozen (whatever arrived meanwhile is lost). */
  private boolean awaitThawed() throws InterruptedException {
    synchronized (gate) {
      boolean waited = frozen;
      while (frozen) {
        gate.wait();
      }
      return waited;
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        sockets.add(client);
        threads.execute(() -> relay(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client) {
    try {
      if (awaitThawed()) {
        closeQuietly(client); // accepted while frozen: never forwarded
        return;
      }
      Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort.getAsInt());
      sockets.add(server);
      Exchange exchange = new Exchange();
      threads.execute(() -> pump(server, client, exchange, false));
      pump(client, server, exchange, true);
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  /**
   * Copies until either side closes; a chunk that arrives while frozen is dropped with the line.
   */
  private void pump(Socket from, Socket to, Exchange exchange, boolean requests) {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int read;
      while ((read = in.read(buffer)) != -1) {
        if (awaitThawed()) {
          return;
        }
        if (requests) {
          if (startsRequest(buffer, read)) {
            exchange.completeSent = isComplete(buffer, read);
          }
        } else if (exchange.completeSent) {
          exchange.completeSent = false;
          if (completeDrops.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            completesHeld.incrementAndGet();
            return; // the store answered; the service never hears it
          }
          Duration delay = completeDelay;
          if (!delay.isZero()) {
            completesHeld.incrementAndGet();
            Thread.sleep(delay.toMillis());
          }
        }
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // One side went away: close both below.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static boolean startsRequest(byte[] buffer, int length) {
    String start = new String(buffer, 0, Math.min(length, 8), StandardCharsets.ISO_8859_1);
    return start.matches("^(GET|PUT|POST|HEAD|DELETE) .*");
  }

  /**
   * A request line {@code POST /bucket/key?uploadId=…} (S3's CompleteMultipartUpload) or {@code PUT
   * /account/container/blob?comp=blocklist} (Azure's Put Block List).
   */
  private static boolean isComplete(byte[] buffer, int length) {
    String head = new String(buffer, 0, Math.min(length, 2048), StandardCharsets.ISO_8859_1);
    int lineEnd = head.indexOf("\r\n");
    String line = lineEnd < 0 ? head : head.substring(0, lineEnd);
    return (line.startsWith("POST ") && line.contains("uploadId="))
        || (line.startsWith("PUT ") && line.contains("comp=blocklist"));
  }

  private void closeQuietly(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    thaw();
    listener.close();
    sockets.forEach(this::closeQuietly);
    threads.shutdownNow();
  }
}
