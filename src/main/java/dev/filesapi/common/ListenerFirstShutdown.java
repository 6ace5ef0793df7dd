package dev.filesapi.common;

import io.netty.channel.Channel;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The end of the drain, as Kubernetes needs it (issue 25). Since SIGTERM every answer carries
 * {@code Connection: close}, but clients that kube-proxy still sends to open a new connection for
 * each request, so once the drain delay ({@code quarkus.shutdown.delay}) was over the requests in
 * flight never dropped to none while clients kept sending: the wait for them ran into {@code
 * quarkus.shutdown.timeout}, and then the server closed its listening socket and every connection
 * at once, resetting the requests it was working on and the connections it had just accepted. Here
 * the listening sockets are closed when the delay is over (a later connect is refused), so only the
 * requests on connections already open are left to answer; at the end those still arriving are
 * answered too, for at most {@code files.shutdown.linger}, before the server closes the
 * connections.
 */
@ApplicationScoped
public class ListenerFirstShutdown {
  private static final Logger LOG = Logger.getLogger(ListenerFirstShutdown.class);

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean listenersClosed = new AtomicBoolean();
  private final Vertx vertx;
  private final Duration delay;
  private final Duration linger;
  private final Duration quiet;

  ListenerFirstShutdown(
      Vertx vertx,
      @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
      @ConfigProperty(name = "files.shutdown.linger", defaultValue = "2s") Duration linger) {
    this.vertx = vertx;
    this.delay = delay.orElse(Duration.ZERO);
    this.linger = linger;
    this.quiet = Duration.ofMillis(Math.min(200, linger.toMillis()));
  }

  /** SIGTERM with a drain delay: the listeners close when the delay is over. */
  void onDelay(@Observes ShutdownDelayInitiatedEvent event) {
    Thread closer =
        new Thread(
            () -> {
              try {
                Thread.sleep(delay.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              closeListeners();
            },
            "files-drain-listeners");
    closer.setDaemon(true);
    closer.start();
  }

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::count);
  }

  private void count(RoutingContext context) {
    inFlight.incrementAndGet();
    context.addEndHandler(done -> inFlight.decrementAndGet());
    context.next();
  }

  /** First of the shutdown observers: the HTTP server is still up when it runs. */
  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    if (!closeListeners()) {
      return;
    }
    // Requests written on connections accepted before the listener closed: let them finish, until
    // none has been in flight for a short quiet period (or the linger is over).
    long deadline = System.nanoTime() + linger.toNanos();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      if (inFlight.get() > 0) {
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= quiet.toNanos()) {
        break;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (inFlight.get() > 0) {
      LOG.warnf("%d HTTP requests still in flight after %s; closing", inFlight.get(), linger);
    }
  }

  /** Closes the listening channel of every HTTP server, once; false when it could not. */
  private synchronized boolean closeListeners() {
    if (listenersClosed.get()) {
      return true;
    }
    if (!(vertx instanceof VertxInternal internal)) {
      return false;
    }
    int closed = 0;
    try {
      Field bindFuture = bindFutureField();
      for (Object server : internal.sharedHttpServers().values()) {
        Object future = bindFuture.get(server);
        if (future instanceof Future<?> f && f.result() instanceof Channel channel) {
          channel.close().syncUninterruptibly();
          closed++;
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Vert.x internals changed: the server closes listener and connections together, as before.
      LOG.warnf("could not close the HTTP listeners first: %s", e.toString());
    }
    if (closed > 0) {
      LOG.infof("closed %d HTTP listener(s); finishing the requests on open connections", closed);
      listenersClosed.set(true);
    }
    return closed > 0;
  }

  private static Field bindFutureField() throws NoSuchFieldException {
    Field field = io.vertx.core.net.impl.TCPServerBase.class.getDeclaredField("bindFuture");
    field.setAccessible(true);
    return field;
  }
}
