package dev.filesapi.database;

import java.security.SecureRandom;

/** Opaque, prefixed, URL-safe ids ({@code upl_…}, {@code fil_…}) with 130 bits of randomness. */
public final class Ids {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int RANDOM_CHARS = 26;

  private Ids() {}

  public static String upload() {
    return generate("upl_");
  }

  public static String file() {
    return generate("fil_");
  }

  public static String organization() {
    return generate("org_");
  }

  public static String apiKey() {
    return generate("key_");
  }

  public static String generate(String prefix) {
    return prefix + randomChars(RANDOM_CHARS);
  }

  /** Random characters from a 32-letter alphabet: 5 bits each. */
  public static String randomChars(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    StringBuilder out = new StringBuilder(count);
    for (byte b : bytes) {
      out.append(ALPHABET[b & 31]);
    }
    return out.toString();
  }
}
