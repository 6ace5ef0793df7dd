package dev.filesapi.http;

import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.ProblemMappers;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * JSON bodies are small (10,000 part tokens fit in well under a megabyte): anything declared larger
 * than {@code files.http.max-json-body-size} is refused before it is parsed, and a chunked body (no
 * declared length) is cut off as soon as it grows past the limit. Only the simple upload's
 * multipart form may use the larger {@code quarkus.http.limits.max-body-size}.
 */
public class BodyLimitFilter {
  private final long maxJsonBodySize;

  BodyLimitFilter(
      @ConfigProperty(name = "files.http.max-json-body-size", defaultValue = "4M")
          io.quarkus.runtime.configuration.MemorySize maxJsonBodySize) {
    this.maxJsonBodySize = maxJsonBodySize.asLongValue();
  }

  @ServerRequestFilter(preMatching = true)
  public void limitJsonBodies(ContainerRequestContext request) {
    MediaType type = mediaType(request);
    if (type != null && type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE)) {
      return;
    }
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      if (request.getHeaderString("Transfer-Encoding") != null
          && !"GET".equals(request.getMethod())
          && !"HEAD".equals(request.getMethod())) {
        request.setEntityStream(new LimitedStream(request.getEntityStream(), maxJsonBodySize));
      }
      return;
    }
    long declared;
    try {
      declared = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw ApiException.of(400, "bad_request", "Content-Length is not a number");
    }
    if (declared > maxJsonBodySize) {
      throw tooLarge(maxJsonBodySize);
    }
  }

  /** The declared media type; one that cannot be parsed is no type this API takes. */
  private static MediaType mediaType(ContainerRequestContext request) {
    try {
      return request.getMediaType();
    } catch (IllegalArgumentException e) {
      throw ApiException.of(
          415, "unsupported_media_type", "The Content-Type header is not a media type");
    }
  }

  static ApiException tooLarge(long limit) {
    return ApiException.of(
        413, "payload_too_large", "Request bodies are limited to " + limit + " bytes");
  }

  @ServerExceptionMapper
  public Response bodyTooLarge(BodyTooLargeException e) {
    return ProblemMappers.response(tooLarge(e.limit));
  }

  /** Thrown while reading a chunked body that outgrows the limit; mapped to 413. */
  public static final class BodyTooLargeException extends IOException {
    final long limit;

    BodyTooLargeException(long limit) {
      super("request body over " + limit + " bytes");
      this.limit = limit;
    }
  }

  private static final class LimitedStream extends FilterInputStream {
    private final long limit;
    private long read;

    LimitedStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) throws BodyTooLargeException {
      read += n;
      if (read > limit) {
        throw new BodyTooLargeException(limit);
      }
    }
  }
}
