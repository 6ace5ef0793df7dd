package dev.filesapi.storage;

/** A zero-based part number and the token (ETag) the store returned for its bytes. */
public record PartToken(int partNumber, String token) {

  /**
   * A token as compared: without the double quotes of the ETag syntax. The one place tokens are
   * normalised, so a token sent with or without quotes matches the store's either way.
   */
  public static String unquoted(String etag) {
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }

  /** A token in the ETag syntax, quoted once. */
  public static String quoted(String etag) {
    return '"' + unquoted(etag) + '"';
  }
}
