package dev.filesapi.http;

import io.netty.channel.Channel;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The end of the drain, as Kubernetes needs it (issue 25). From SIGTERM on, every answer carries
 * {@code Connection: close}; clients that still send (kube-proxy keeps sending to a terminating
 * pod) open a new connection for each request. When the drain delay ({@code
 * quarkus.shutdown.delay}) is over, the server waits for the requests in flight and then closes its
 * listening socket and every connection at once: requests written in that instant, on a connection
 * just accepted or one about to be closed, were reset without an answer (and clients sending
 * without pause could keep the requests in flight from ever reaching none, running the wait into
 * {@code quarkus.shutdown.timeout}). Here the listening sockets are closed {@code
 * files.shutdown.listener-lead} before the delay ends: later connects are refused, the connections
 * already open each answer their last request and close, and by the time the server closes there is
 * nothing left to reset.
 */
@ApplicationScoped
public class ListenerFirstShutdown {
  private static final Logger LOG = Logger.getLogger(ListenerFirstShutdown.class);

  private final Vertx vertx;
  private final Duration delay;
  private final Duration lead;

  ListenerFirstShutdown(
      Vertx vertx,
      @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
      @ConfigProperty(name = "files.shutdown.listener-lead", defaultValue = "1s") Duration lead) {
    this.vertx = vertx;
    this.delay = delay.orElse(Duration.ZERO);
    this.lead = lead;
  }

  /**
   * SIGTERM with a drain delay: the listeners close {@code lead} before it ends (at half of it when
   * it is shorter than twice the lead).
   */
  void onDelay(@Observes ShutdownDelayInitiatedEvent event) {
    long wait = Math.max(delay.toMillis() - lead.toMillis(), delay.toMillis() / 2);
    Thread closer =
        new Thread(
            () -> {
              try {
                Thread.sleep(wait);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              closeListeners();
            },
            "files-drain-listeners");
    closer.setDaemon(true);
    closer.start();
  }

  /** Closes the listening channel of every HTTP server (not its connections). */
  private void closeListeners() {
    if (!(vertx instanceof VertxInternal internal)) {
      return;
    }
    int closed = 0;
    try {
      Field bindFuture = io.vertx.core.net.impl.TCPServerBase.class.getDeclaredField("bindFuture");
      bindFuture.setAccessible(true);
      for (Object server : internal.sharedHttpServers().values()) {
        Object future = bindFuture.get(server);
        if (future instanceof Future<?> f && f.result() instanceof Channel channel) {
          channel.close().syncUninterruptibly();
          closed++;
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Vert.x internals changed: the server closes listener and connections together, as before.
      LOG.warnf("could not close the HTTP listeners before the end of the drain: %s", e.toString());
      return;
    }
    LOG.infof(
        "closed %d HTTP listener(s); the open connections answer their last requests", closed);
  }
}
