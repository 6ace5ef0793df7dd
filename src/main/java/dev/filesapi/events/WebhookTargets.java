package dev.filesapi.events;

import dev.filesapi.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may be sent: an absolute {@code https} URL (or {@code http} when allowed) whose
 * host resolves only to public addresses (unless private targets are allowed). Checked when an
 * endpoint is created or changed, and again before every POST, since a name may resolve elsewhere
 * later (DNS rebinding).
 */
@ApplicationScoped
public class WebhookTargets {
  static final int MAX_URL_LENGTH = 2048;

  private final WebhookConfig config;

  WebhookTargets(WebhookConfig config) {
    this.config = config;
  }

  /** A delivery's target that may not be reached; the message names the reason, not addresses. */
  public static class RefusedTargetException extends Exception {
    RefusedTargetException(String message) {
      super(message);
    }
  }

  /**
   * The URL of an endpoint being created or changed, or a 400: {@code validation_failed} for a URL
   * that is not an absolute http(s) URL this service accepts, {@code webhook_url_refused} for one
   * that does not resolve to public addresses.
   */
  public URI requireAcceptable(String field, String url) {
    URI uri = parse(field, url);
    try {
      requirePublic(uri);
    } catch (RefusedTargetException e) {
      throw refused(field, e);
    }
    return uri;
  }

  private static ApiException refused(String field, RefusedTargetException e) {
    return ApiException.withErrors(
        400,
        "webhook_url_refused",
        field + " " + e.getMessage(),
        java.util.List.of(new dev.filesapi.problem.Problem.FieldError(field, e.getMessage())));
  }

  private static void requireCanonical(String host) throws RefusedTargetException {
    if (TargetAddresses.isNonCanonicalIpv4(host)) {
      throw new RefusedTargetException(
          "is an IPv4 address not written as four decimal numbers without leading zeros");
    }
  }

  /**
   * Refuses an IPv4 literal in a non-canonical form; then resolves the URL's host and refuses it
   * unless every address is public (that part is skipped when private targets are allowed).
   */
  public void requirePublic(URI uri) throws RefusedTargetException {
    String host = uri.getHost();
    requireCanonical(host);
    if (config.allowPrivateTargets()) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new RefusedTargetException("host does not resolve");
    }
    for (InetAddress address : addresses) {
      Optional<String> refusal = TargetAddresses.refusal(address);
      if (refusal.isPresent()) {
        throw new RefusedTargetException(
            "resolves to a " + refusal.get() + " address, not a public one");
      }
    }
  }

  private URI parse(String field, String url) {
    if (url.length() > MAX_URL_LENGTH) {
      throw ApiException.validation(field, "must be at most " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ApiException.validation(field, "must be an absolute URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && config.allowHttp())) {
      throw ApiException.validation(
          field, config.allowHttp() ? "must be an http or https URL" : "must be an https URL");
    }
    if ((uri.getHost() == null || uri.getHost().isEmpty()) && uri.getRawAuthority() != null) {
      // java.net.URI finds no host in some IPv4 forms (127.1, 0x7f.1): they are refused as such.
      String authority = uri.getRawAuthority();
      String host =
          authority.substring(authority.lastIndexOf('@') + 1).replaceFirst(":[0-9]*$", "");
      try {
        requireCanonical(host);
      } catch (RefusedTargetException e) {
        throw refused(field, e);
      }
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ApiException.validation(field, "must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw ApiException.validation(field, "must not carry credentials (user:password@)");
    }
    if (uri.getRawFragment() != null) {
      throw ApiException.validation(field, "must not have a fragment (#…)");
    }
    return uri;
  }
}
