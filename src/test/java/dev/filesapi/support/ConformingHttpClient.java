package dev.filesapi.support;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A {@link HttpClient} that checks every answer it gets against the OpenAPI document with {@link
 * OpenApiConformance#check}, the same check rest-assured calls go through. The body is read whole,
 * checked, then handed to the caller's {@link HttpResponse.BodyHandler} as if it came from the
 * network, so callers keep their handlers ({@code ofString}, {@code ofInputStream}, …). Redirects
 * the wrapped client follows are checked hop by hop (their bodies are not kept by the JDK).
 */
public final class ConformingHttpClient extends HttpClient {
  private final HttpClient delegate;

  private ConformingHttpClient(HttpClient delegate) {
    this.delegate = delegate;
  }

  /** The client, its answers checked. */
  public static HttpClient wrap(HttpClient client) {
    return client instanceof ConformingHttpClient ? client : new ConformingHttpClient(client);
  }

  /**
   * A builder whose clients are {@linkplain #wrap wrapped} (for a generated client's ApiClient).
   */
  public static HttpClient.Builder builder(HttpClient.Builder builder) {
    return (HttpClient.Builder)
        Proxy.newProxyInstance(
            HttpClient.Builder.class.getClassLoader(),
            new Class<?>[] {HttpClient.Builder.class},
            (proxy, method, args) -> {
              if (method.getName().equals("build") && method.getParameterCount() == 0) {
                return wrap(builder.build());
              }
              Object result;
              try {
                result = method.invoke(builder, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              return result == builder ? proxy : result;
            });
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return conforming(delegate.send(request, HttpResponse.BodyHandlers.ofByteArray()), handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return delegate
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            raw -> {
              try {
                return conforming(raw, handler);
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    if (pushPromiseHandler != null) {
      throw new UnsupportedOperationException("HTTP/2 push promises are not checked");
    }
    return sendAsync(request, handler);
  }

  private static <T> HttpResponse<T> conforming(
      HttpResponse<byte[]> raw, HttpResponse.BodyHandler<T> handler) throws IOException {
    for (HttpResponse<?> hop = raw.previousResponse().orElse(null);
        hop != null;
        hop = hop.previousResponse().orElse(null)) {
      check(hop, null);
    }
    check(raw, raw.body());
    return new Replayed<>(raw, replay(raw, handler));
  }

  private static void check(HttpResponse<?> response, byte[] body) {
    OpenApiConformance.check(
        response.request().method(),
        OpenApiConformance.target(response.request().uri()),
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(null),
        body);
  }

  /** The caller's handler fed the bytes already read, as one buffer. */
  private static <T> T replay(HttpResponse<byte[]> raw, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    HttpResponse.BodySubscriber<T> subscriber =
        handler.apply(
            new HttpResponse.ResponseInfo() {
              @Override
              public int statusCode() {
                return raw.statusCode();
              }

              @Override
              public HttpHeaders headers() {
                return raw.headers();
              }

              @Override
              public HttpClient.Version version() {
                return raw.version();
              }
            });
    byte[] bytes = raw.body();
    subscriber.onSubscribe(
        new Flow.Subscription() {
          private boolean done;

          @Override
          public synchronized void request(long n) {
            if (done || n <= 0) {
              return;
            }
            done = true;
            if (bytes.length > 0) {
              subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
            }
            subscriber.onComplete();
          }

          @Override
          public synchronized void cancel() {
            done = true;
          }
        });
    try {
      return subscriber.getBody().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IOException("the body handler failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** The answer as received, with the body the caller's handler made of it. */
  private record Replayed<T>(HttpResponse<byte[]> raw, T body) implements HttpResponse<T> {
    @Override
    public int statusCode() {
      return raw.statusCode();
    }

    @Override
    public HttpRequest request() {
      return raw.request();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return raw.headers();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return raw.sslSession();
    }

    @Override
    public URI uri() {
      return raw.uri();
    }

    @Override
    public HttpClient.Version version() {
      return raw.version();
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
