package dev.filesapi.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real webhook receiver on 127.0.0.1: records every POST with its arrival time, checks its
 * Standard Webhooks signature with an implementation of its own (not the service's), and answers as
 * scripted (200 when nothing is scripted).
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One POST as it arrived. */
  public record Received(
      Instant at,
      String id,
      String timestamp,
      String signature,
      String body,
      boolean signatureValid,
      String contentType) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("body is not JSON: " + body, e);
      }
    }

    public String type() {
      return json().path("type").asText();
    }
  }

  /** What to answer, after how long, with what body (none when null). */
  public record Answer(int status, Duration delay, String body) {
    public Answer(int status, Duration delay) {
      this(status, delay, null);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Received> received = new ArrayList<>();
  private final Deque<Answer> script = new ArrayDeque<>();
  private volatile String secret;
  private volatile Answer otherwise = new Answer(200, Duration.ZERO);
  private volatile CountDownLatch held = new CountDownLatch(0);

  private WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/hook", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public static WebhookReceiver start() {
    try {
      return new WebhookReceiver();
    } catch (IOException e) {
      throw new AssertionError("could not start the receiver", e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The secret signatures are checked with. */
  public String secret() {
    return secret;
  }

  /** The endpoint's secret, to check signatures with. */
  public void secret(String secret) {
    this.secret = secret;
  }

  /** The next POSTs get these answers, in order. */
  public synchronized void script(Answer... answers) {
    script.addAll(List.of(answers));
  }

  /** Forgets what was scripted and not yet answered. */
  public synchronized void clearScript() {
    script.clear();
  }

  /** What POSTs beyond the script get (200 at once unless changed). */
  public void otherwise(Answer answer) {
    this.otherwise = answer;
  }

  /**
   * POSTs arriving from now on are recorded and then held open, unanswered, until {@link
   * #release()}: their senders wait as for a receiver that is slow to answer.
   */
  public void hold() {
    held = new CountDownLatch(1);
  }

  /** Answers the held POSTs, and those after them, as scripted. */
  public void release() {
    held.countDown();
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** Polls until the POSTs received satisfy the condition, or fails at the deadline. */
  public List<Received> await(Predicate<List<Received>> condition, Duration within, String what) {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      List<Received> now = received();
      if (condition.test(now)) {
        return now;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "within "
                + within
                + ", expected "
                + what
                + "; got "
                + now.stream().map(r -> r.id() + " " + r.type()).toList());
      }
      try {
        Thread.sleep(20); // polling interval, not synchronisation: the deadline decides
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    Instant at = Instant.now();
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String id = exchange.getRequestHeaders().getFirst("webhook-id");
    String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
    String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
    Answer answer;
    synchronized (this) {
      received.add(
          new Received(
              at,
              id,
              timestamp,
              signature,
              body,
              verifies(secret, id, timestamp, signature, body),
              exchange.getRequestHeaders().getFirst("Content-Type")));
      answer = script.isEmpty() ? otherwise : script.poll();
    }
    try {
      held.await();
      if (!answer.delay().isZero()) {
        Thread.sleep(answer.delay().toMillis()); // the receiver being slow, on purpose
      }
      if (answer.body() == null) {
        exchange.sendResponseHeaders(answer.status(), -1);
      } else {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the sender gave up waiting
    } finally {
      exchange.close();
    }
  }

  /**
   * The Standard Webhooks check, written from the specification: the key is the base64 after {@code
   * whsec_}; the header holds space-separated {@code v1,<base64 HMAC-SHA256>} entries over {@code
   * id.timestamp.body}; one must match.
   */
  public static boolean verifies(
      String secret, String id, String timestamp, String header, String body) {
    if (secret == null || id == null || timestamp == null || header == null) {
      return false;
    }
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      byte[] expected =
          hmac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      for (String entry : header.split(" ")) {
        if (entry.startsWith("v1,")
            && MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(3)))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    held.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
