package dev.filesapi.observability;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * One log line per API request: method, path (which carries the upload or file id), status,
 * duration and the caller's organization. Headers, bodies and query strings, where secrets travel,
 * are never logged, and anything shaped like an API key is cut out of the path. In JSON logs the
 * organization is also a field ({@code org}). What the request changed (an upload's state changes,
 * {@link RequestNotes}) is told at the end of the same line, not in lines of its own.
 */
public class RequestLog {
  private static final Logger LOG = Logger.getLogger("dev.filesapi.requests");
  private static final String STARTED = RequestLog.class.getName() + ".started";

  /** A key pasted into a URL by mistake must not reach the log either. */
  private static final Pattern API_KEY = Pattern.compile("fk_live_[A-Za-z0-9]*");

  @Inject RequestOrganization requestOrganization;
  @Inject RequestNotes notes;

  /** Whether request lines are written (the {@code dev.filesapi.requests} category at INFO). */
  static boolean enabled() {
    return LOG.isInfoEnabled();
  }

  @ServerRequestFilter(preMatching = true)
  public void start(ContainerRequestContext request) {
    request.setProperty(STARTED, System.nanoTime());
    if (LOG.isInfoEnabled()) {
      notes.apiRequest();
    }
  }

  @ServerResponseFilter
  public void finish(ContainerRequestContext request, ContainerResponseContext response) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    Object started = request.getProperty(STARTED);
    long millis = started == null ? -1 : (System.nanoTime() - (long) started) / 1_000_000;
    String organization = requestOrganization.organizationIdIfKnown().orElse("-");
    String said = notes.text();
    MDC.put("org", organization);
    try {
      // Concatenated, not infof: java.util.Formatter was most of this line's cost.
      LOG.info(
          request.getMethod()
              + " "
              + redacted(request.getUriInfo().getRequestUri().getRawPath())
              + " "
              + response.getStatus()
              + " "
              + millis
              + "ms org "
              + organization
              + (said == null ? "" : "; " + said));
    } finally {
      MDC.remove("org");
    }
  }

  static String redacted(String path) {
    return API_KEY.matcher(path).replaceAll("fk_live_[redacted]");
  }
}
