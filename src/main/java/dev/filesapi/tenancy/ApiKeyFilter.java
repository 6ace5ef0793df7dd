package dev.filesapi.tenancy;

import dev.filesapi.database.DatabaseOutage;
import dev.filesapi.problem.ApiException;
import dev.filesapi.tenancy.admin.AdminApi;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Resolves {@code Authorization: Bearer <api key>} to the caller's organization on every API
 * request. Keys are looked up by hash on each request, so a revoked key stops working at once. The
 * lookup is one indexed read on an auto-commit connection: no transaction, no entity, since it runs
 * before every API call.
 */
public class ApiKeyFilter {
  private static final String BEARER = "bearer ";
  private static final String ACTIVE_KEY =
      "select organization_id, id from api_key where key_hash = ? and revoked_at is null";

  @Inject Caller caller;
  @Inject DataSource dataSource;
  @Inject UploadTokens uploadTokens;

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
    if (key.startsWith(UploadTokens.PREFIX)) {
      if (resource.getResourceClass() == null
          || !resource.getResourceClass().isAnnotationPresent(UploadTokenAccepted.class)) {
        throw unauthorized("Upload tokens are accepted only by the /v1/uppy routes");
      }
      String[] organizationAndKey =
          uploadTokens
              .resolve(key)
              .orElseThrow(() -> unauthorized("Unknown or expired upload token, or revoked key"));
      caller.authenticate(organizationAndKey[0], organizationAndKey[1]);
      return Optional.empty();
    }
    String hash = ApiKeys.hash(key);
    String[] organizationAndKey =
        activeKey(hash).orElseThrow(() -> unauthorized("Unknown or revoked API key"));
    caller.authenticate(organizationAndKey[0], organizationAndKey[1]);
    return Optional.empty();
  }

  /** The organization and the id of an active key. */
  private Optional<String[]> activeKey(String keyHash) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(ACTIVE_KEY)) {
      statement.setString(1, keyHash);
      try (ResultSet row = statement.executeQuery()) {
        return row.next()
            ? Optional.of(new String[] {row.getString(1), row.getString(2)})
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw DatabaseOutage.translate("looking up the API key", e);
    }
  }

  private static ApiException unauthorized(String detail) {
    return ApiException.withHeaders(
        401, "unauthorized", detail, java.util.Map.of("WWW-Authenticate", "Bearer"));
  }
}
