package dev.filesapi.file;

import dev.filesapi.problem.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The rules for file names and MIME types that every entry point applies. */
public final class FileNaming {
  public static final int MAX_FILENAME_BYTES = 1024;
  private static final String TOKEN = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
  private static final Pattern MIME_TYPE =
      Pattern.compile(
          TOKEN
              + "/"
              + TOKEN
              + "(\\s*;\\s*"
              + TOKEN
              + "=("
              + TOKEN
              + "|\"[^\"\\\\\\p{Cntrl}]*\"))*");
  private static final int MAX_MIME_TYPE_CHARS = 255;

  private FileNaming() {}

  /**
   * 1–1024 bytes of UTF-8 without control or format characters (stored as given, never a storage
   * key).
   */
  public static void requireValidFilename(String field, String filename) {
    if (filename == null || filename.isEmpty()) {
      throw ApiException.validation(field, "must not be empty");
    }
    if (filename.getBytes(StandardCharsets.UTF_8).length > MAX_FILENAME_BYTES) {
      throw ApiException.validation(
          field, "must be at most " + MAX_FILENAME_BYTES + " bytes of UTF-8");
    }
    boolean hasControl =
        filename.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL);
    if (hasControl) {
      throw ApiException.validation(field, "must not contain control characters");
    }
    if (filename.codePoints().anyMatch(FileNaming::isRefusedFormatCharacter)) {
      throw ApiException.validation(
          field, "must not contain Unicode format characters such as bidi controls");
    }
    boolean brokenSurrogate =
        filename.chars().anyMatch(c -> Character.isSurrogate((char) c))
            && !new String(filename.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                .equals(filename);
    if (brokenSurrogate) {
      throw ApiException.validation(field, "must be valid Unicode");
    }
  }

  /**
   * Unicode format characters (category Cf): bidi overrides, embeddings and isolates (which make
   * {@code invoice\u202Egpj.exe} show as {@code invoice…exe.jpg}), zero-width spaces, the BOM, tag
   * characters. The zero-width non-joiner and joiner (U+200C, U+200D) stay allowed: Persian and
   * Indic names need them to be spelled right, and emoji sequences are joined with them; they
   * reorder nothing.
   */
  static boolean isRefusedFormatCharacter(int codePoint) {
    return Character.getType(codePoint) == Character.FORMAT
        && codePoint != 0x200C
        && codePoint != 0x200D;
  }

  /** A MIME type {@code type/subtype}, parameters allowed. */
  public static void requireValidMimeType(String field, String mimeType) {
    if (mimeType == null
        || mimeType.length() > MAX_MIME_TYPE_CHARS
        || !MIME_TYPE.matcher(mimeType).matches()) {
      throw ApiException.validation(field, "must be a MIME type such as application/octet-stream");
    }
  }
}
