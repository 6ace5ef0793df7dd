package dev.filesapi.tenancy;

import dev.filesapi.database.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * API key format and hashing. Keys are {@code fk_live_} followed by 40 random characters (200
 * bits), so a plain SHA-256 is a safe stored form: nothing to brute-force, no salt needed, and a
 * lookup by hash is one index probe. The prefix lets secret scanners recognise leaked keys.
 */
public final class ApiKeys {
  public static final String PREFIX = "fk_live_";
  private static final int RANDOM_CHARS = 40;

  /** How much of a key is kept in clear to recognise it (prefix plus four characters). */
  private static final int DISPLAY_CHARS = PREFIX.length() + 4;

  private ApiKeys() {}

  public static String generate() {
    return PREFIX + Ids.randomChars(RANDOM_CHARS);
  }

  public static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  public static String displayPrefix(String key) {
    return key.substring(0, Math.min(key.length(), DISPLAY_CHARS));
  }
}
