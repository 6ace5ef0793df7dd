package dev.filesapi.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads a multipart/form-data body (RFC 7578) part by part as it arrives, through one fixed 64 KiB
 * buffer: a part's content is an {@link InputStream} that ends at the next delimiter, so a file
 * part of any size is never held in memory or written to disk.
 *
 * <p>Part headers are UTF-8 (as browsers send a filename) and at most {@value #MAX_PART_HEADERS}
 * bytes. In {@code Content-Disposition}, a quoted value runs to the next quote (browsers send a
 * quote in a filename as {@code %22}, and a backslash is kept as it is), an unterminated one to the
 * end of its line; {@code filename*} (RFC 5987) wins over {@code filename}. A part's {@code
 * Content-Type} is its media type without parameters. A line break inside a filename ends the
 * header line: what follows is another header, never the content.
 */
final class FormReader {
  /** RFC 2046 caps a boundary at 70 characters. */
  static final int MAX_BOUNDARY = 70;

  static final int MAX_PART_HEADERS = 128 * 1024;
  private static final int BUFFER_SIZE = 64 * 1024;

  /** The epilogue after the closing delimiter that is read (and ignored) to reach the end. */
  private static final int MAX_EPILOGUE = 64 * 1024;

  private final InputStream in;

  /** CRLF "--" boundary: what ends each part's content. */
  private final byte[] delimiter;

  private final byte[] buf = new byte[BUFFER_SIZE];
  private int pos;
  private int limit;
  private boolean eof;

  /** Bytes read from the body, plus the two of the line break assumed before it. */
  private long received = 2;

  private boolean started;
  private boolean closed;
  private PartContent current;

  FormReader(InputStream in, String boundary) {
    this.in = Objects.requireNonNull(in, "in");
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // The first delimiter may open the body: read it as if a line break came before.
    buf[0] = '\r';
    buf[1] = '\n';
    limit = 2;
  }

  /** The form's boundary from its Content-Type. */
  static String boundaryOf(String contentType) throws MalformedFormException {
    if (contentType != null) {
      for (String parameter : split(contentType, ';')) {
        int eq = parameter.indexOf('=');
        if (eq > 0
            && parameter.substring(0, eq).trim().equalsIgnoreCase("boundary")
            && !unquote(parameter.substring(eq + 1).trim()).isEmpty()) {
          String boundary = unquote(parameter.substring(eq + 1).trim());
          if (boundary.length() > MAX_BOUNDARY) {
            throw new MalformedFormException(
                "the form's boundary is longer than " + MAX_BOUNDARY + " characters");
          }
          return boundary;
        }
      }
    }
    throw new MalformedFormException("the multipart/form-data Content-Type names no boundary");
  }

  /** One part: its field name, filename (null for a plain field), media type and content. */
  record Part(String name, String filename, String contentType, InputStream content) {}

  /**
   * The next part, after skipping what is left of the current one; null after the closing
   * delimiter.
   */
  Part next() throws IOException {
    if (closed) {
      return null;
    }
    if (!started) {
      started = true;
      skipPreamble();
    } else {
      current.skipRest();
    }
    if (afterDelimiter()) {
      closed = true;
      return null;
    }
    List<String> headers = readHeaders();
    String name = null;
    String filename = null;
    String filenameStar = null;
    String contentType = null;
    for (String header : headers) {
      int colon = header.indexOf(':');
      String field = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (field.equals("content-disposition")) {
        for (String parameter : split(value, ';')) {
          int eq = parameter.indexOf('=');
          if (eq < 0) {
            continue;
          }
          String key = parameter.substring(0, eq).trim().toLowerCase(Locale.ROOT);
          String raw = unquote(parameter.substring(eq + 1).trim());
          switch (key) {
            case "name" -> name = raw;
            case "filename" -> filename = raw;
            case "filename*" -> filenameStar = extValue(raw);
            default -> {}
          }
        }
      } else if (field.equals("content-type")) {
        String type = split(value, ';').get(0).trim();
        contentType = type.isEmpty() ? null : type;
      }
    }
    current = new PartContent();
    return new Part(name, filenameStar != null ? filenameStar : filename, contentType, current);
  }

  /** How far into the body the reader is: where the current part's content starts. */
  long offset() {
    return received - 2 - (limit - pos);
  }

  /** The length of the closing delimiter and its line break, the least a form ends with. */
  int closing() {
    return delimiter.length + 4;
  }

  /**
   * Whether the body was read to its end: the closing delimiter and a short epilogue. False when a
   * request was refused before that, so its connection must not be reused.
   */
  boolean readToTheEnd() {
    if (!closed) {
      return false;
    }
    try {
      int skipped = limit - pos;
      pos = limit;
      while (skipped <= MAX_EPILOGUE) {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          return true;
        }
        skipped += n;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * After a delimiter: "--" closes the form; otherwise optional transport padding and CRLF start
   * the next part.
   */
  private boolean afterDelimiter() throws IOException {
    fill(2);
    if (limit - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
      pos += 2;
      return true;
    }
    while (true) {
      fill(2);
      if (limit - pos < 1) {
        throw new MalformedFormException("the form breaks off after a delimiter");
      }
      byte b = buf[pos];
      if (b == ' ' || b == '\t') {
        pos++;
      } else if (b == '\r' && limit - pos >= 2 && buf[pos + 1] == '\n') {
        pos += 2;
        return false;
      } else {
        throw new MalformedFormException("a delimiter is not followed by a line break");
      }
    }
  }

  /** Header lines up to the empty line, as UTF-8; a line without a colon is malformed. */
  private List<String> readHeaders() throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int total = 0;
    while (true) {
      if (pos == limit) {
        fill(1);
        if (pos == limit) {
          throw new MalformedFormException("the form breaks off in a part's headers");
        }
      }
      byte b = buf[pos++];
      if (++total > MAX_PART_HEADERS) {
        throw new MalformedFormException(
            "a part's headers are longer than " + MAX_PART_HEADERS + " bytes");
      }
      if (b != '\n') {
        line.write(b);
        continue;
      }
      byte[] bytes = line.toByteArray();
      int length =
          bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      line.reset();
      if (length == 0) {
        return lines;
      }
      String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
      if (text.indexOf(':') <= 0) {
        throw new MalformedFormException("a part header line is not a header");
      }
      lines.add(text);
    }
  }

  /**
   * Reads up to the first delimiter and past it. The preamble before it may be anything; a form
   * without one is malformed.
   */
  private void skipPreamble() throws IOException {
    new PartContent().skipRest();
  }

  /** Makes at least {@code wanted} bytes available unless the body ends first. */
  private void fill(int wanted) throws IOException {
    if (limit - pos >= wanted || eof) {
      return;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit - pos < wanted && !eof) {
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
        received += n;
      }
    }
  }

  /** The index of the delimiter in {@code buf[pos, limit)}, or -1. */
  private int findDelimiter() {
    int last = limit - delimiter.length;
    outer:
    for (int i = pos; i <= last; i++) {
      if (buf[i] != '\r') {
        continue;
      }
      for (int j = 1; j < delimiter.length; j++) {
        if (buf[i + j] != delimiter[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** One part's content: ends at the delimiter, which it consumes. */
  private final class PartContent extends InputStream {
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (ended) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      fill(delimiter.length + 1);
      int at = findDelimiter();
      if (at == pos) {
        pos += delimiter.length;
        ended = true;
        return -1;
      }
      int available;
      if (at >= 0) {
        available = at - pos;
      } else if (eof) {
        ended = true;
        pos = limit;
        throw new MalformedFormException("the form breaks off before its closing delimiter");
      } else {
        available = limit - pos - (delimiter.length - 1);
      }
      int n = Math.min(len, available);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    void skipRest() throws IOException {
      byte[] scratch = new byte[BUFFER_SIZE];
      while (read(scratch, 0, scratch.length) >= 0) {
        // discard
      }
    }
  }

  /** Splits on {@code separator} outside double quotes. */
  private static List<String> split(String value, char separator) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == separator && !quoted) {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(value.substring(start));
    return parts;
  }

  /** A quoted value's content (an unterminated quote runs to the end); others as they are. */
  private static String unquote(String value) {
    if (value.startsWith("\"")) {
      int end = value.indexOf('"', 1);
      return end < 0 ? value.substring(1) : value.substring(1, end);
    }
    return value;
  }

  /** An RFC 5987 value, {@code charset'language'percent-encoded}; null when it is not one. */
  private static String extValue(String value) {
    int first = value.indexOf('\'');
    int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0) {
      return null;
    }
    try {
      Charset charset = Charset.forName(value.substring(0, first));
      return URLDecoder.decode(value.substring(second + 1).replace("+", "%2B"), charset);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The body is not the multipart form it claims to be. */
  static final class MalformedFormException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedFormException(String message) {
      super(message);
    }
  }
}
