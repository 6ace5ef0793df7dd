package dev.filesapi.tenancy;

import dev.filesapi.database.DatabaseOutage;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * Short-lived upload tokens for browsers: {@code ut_<key id>.<expiry>.<signature>}, minted with an
 * API key and accepted only by the routes that upload (the Uppy routes), where the token travels in
 * the URL path because {@code @uppy/aws-s3} 6 sends no headers of its own. Stateless: the signature
 * is an HMAC-SHA256 keyed by the stored hash of the API key, so revoking the key revokes its tokens
 * at once, and no token is stored. No message of this class carries a token or a key.
 */
@ApplicationScoped
public class UploadTokens {
  public static final String PREFIX = "ut_";
  private static final String KEY_BY_ID =
      "select organization_id, key_hash from api_key where id = ? and revoked_at is null";

  private final DataSource dataSource;
  private final Clock clock;

  UploadTokens(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** A minted token and when it stops working. */
  public record Minted(String token, Instant expiresAt) {}

  /** A token for the given (active) API key, valid for {@code ttl}. */
  public Minted mint(String keyId, Duration ttl) {
    String[] organizationAndHash =
        activeKey(keyId).orElseThrow(() -> new IllegalStateException("the key is not active"));
    long expires = clock.instant().plus(ttl).getEpochSecond();
    String payload = keyId + "." + expires;
    return new Minted(
        PREFIX + payload + "." + signature(organizationAndHash[1], payload),
        Instant.ofEpochSecond(expires));
  }

  /** The organization and key id a valid, unexpired token of an active key stands for. */
  Optional<String[]> resolve(String token) {
    if (!token.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] pieces = token.substring(PREFIX.length()).split("\\.", -1);
    if (pieces.length != 3) {
      return Optional.empty();
    }
    long expires;
    try {
      expires = Long.parseLong(pieces[1]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (clock.instant().getEpochSecond() >= expires) {
      return Optional.empty();
    }
    Optional<String[]> key = activeKey(pieces[0]);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    byte[] expected =
        signature(key.get()[1], pieces[0] + "." + pieces[1]).getBytes(StandardCharsets.US_ASCII);
    byte[] given = pieces[2].getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given)
        ? Optional.of(new String[] {key.get()[0], pieces[0]})
        : Optional.empty();
  }

  private static String signature(String keyHash, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              ("upload-token:" + keyHash).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private Optional<String[]> activeKey(String keyId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(KEY_BY_ID)) {
      statement.setString(1, keyId);
      try (ResultSet row = statement.executeQuery()) {
        return row.next()
            ? Optional.of(new String[] {row.getString(1), row.getString(2)})
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw DatabaseOutage.translate("looking up the API key of an upload token", e);
    }
  }
}
