package dev.filesapi.file;

import java.nio.charset.StandardCharsets;

/**
 * {@code Content-Disposition: attachment} for any filename, per RFC 6266 and RFC 5987: an ASCII
 * fallback in {@code filename} and the exact UTF-8 name percent-encoded in {@code filename*}.
 */
public final class ContentDisposition {
  private static final String ATTR_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~";

  private ContentDisposition() {}

  public static String attachment(String filename) {
    String base = baseName(filename);
    return "attachment; filename=\"" + asciiFallback(base) + "\"; filename*=UTF-8''" + encode(base);
  }

  /** The last path segment: a browser saves a file, not a path. */
  static String baseName(String filename) {
    String name = filename;
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    if (slash >= 0 && slash < name.length() - 1) {
      name = name.substring(slash + 1);
    }
    return name;
  }

  static String asciiFallback(String name) {
    StringBuilder out = new StringBuilder(name.length());
    name.codePoints()
        .forEach(
            c ->
                out.append(
                    c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' ? (char) c : '_'));
    return out.toString();
  }

  static String encode(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && ATTR_CHARS.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }
}
