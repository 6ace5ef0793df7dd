package dev.filesapi.tenancy.admin;

import dev.filesapi.problem.ApiException;
import dev.filesapi.tenancy.ApiKeys;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards the admin API with {@code files.admin.token}. Without a token configured the admin API
 * does not exist (404). The token is compared in constant time, by its hash.
 */
public class AdminTokenFilter {
  private final Optional<byte[]> tokenHash;

  AdminTokenFilter(@ConfigProperty(name = "files.admin.token") Optional<String> token) {
    this.tokenHash = token.filter(t -> !t.isBlank()).map(t -> hash(t.trim()));
  }

  @ServerRequestFilter
  public void authenticate(ContainerRequestContext request, ResourceInfo resource) {
    if (resource.getResourceClass() == null
        || !resource.getResourceClass().isAnnotationPresent(AdminApi.class)) {
      return;
    }
    if (tokenHash.isEmpty()) {
      throw ApiException.of(404, "not_found", "No such resource");
    }
    String header = request.getHeaderString("Authorization");
    String presented =
        header != null && header.toLowerCase(Locale.ROOT).startsWith("bearer ")
            ? header.substring("bearer ".length()).trim()
            : null;
    if (presented == null || !MessageDigest.isEqual(tokenHash.get(), hash(presented))) {
      throw ApiException.withHeaders(
          401,
          "unauthorized",
          "The admin API needs Authorization: Bearer <admin token>",
          Map.of("WWW-Authenticate", "Bearer"));
    }
  }

  private static byte[] hash(String value) {
    return ApiKeys.hash(value).getBytes(StandardCharsets.US_ASCII);
  }
}
