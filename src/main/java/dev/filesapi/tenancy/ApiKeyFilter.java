package dev.filesapi.tenancy;

import dev.filesapi.common.ApiException;
import dev.filesapi.tenancy.admin.AdminApi;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.util.Locale;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Resolves {@code Authorization: Bearer <api key>} to the caller's organization on every API
 * request. Keys are looked up by hash on each request, so a revoked key stops working at once.
 */
public class ApiKeyFilter {
  private static final String BEARER = "bearer ";

  @Inject Caller caller;

  @ServerRequestFilter
  public Optional<jakarta.ws.rs.core.Response> authenticate(
      ContainerRequestContext request, ResourceInfo resource) {
    if (resource.getResourceClass() != null
        && resource.getResourceClass().isAnnotationPresent(AdminApi.class)) {
      return Optional.empty();
    }
    String header = request.getHeaderString("Authorization");
    if (header == null || header.isBlank()) {
      throw unauthorized("Missing Authorization header; send Authorization: Bearer <api key>");
    }
    if (header.length() <= BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw unauthorized("Authorization must use the Bearer scheme");
    }
    String key = header.substring(BEARER.length()).trim();
    String hash = ApiKeys.hash(key);
    Optional<ApiKey> apiKey =
        QuarkusTransaction.requiringNew().call(() -> ApiKey.findActiveByHash(hash));
    if (apiKey.isEmpty()) {
      throw unauthorized("Unknown or revoked API key");
    }
    caller.authenticate(apiKey.get().organizationId);
    return Optional.empty();
  }

  private static ApiException unauthorized(String detail) {
    return new ApiException(
        401, "unauthorized", detail, null, null, java.util.Map.of("WWW-Authenticate", "Bearer"));
  }
}
