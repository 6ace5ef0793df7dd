package dev.filesapi.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A streaming base64 decoder (RFC 4648) for texts too large to hold in memory.
 *
 * <p>The text is read through a fixed 64 KiB buffer and the decoded bytes are written through
 * another; memory use does not depend on the size of the text. Each input byte costs one table
 * lookup.
 *
 * <p>What is accepted:
 *
 * <ul>
 *   <li><b>Alphabet.</b> Both the standard alphabet ({@code +}, {@code /}) and the URL-safe one
 *       ({@code -}, {@code _}), mixed freely within one text: {@code -} and {@code +} both mean 62,
 *       {@code _} and {@code /} both mean 63.
 *   <li><b>Whitespace.</b> ASCII space, {@code \t}, {@code \n}, {@code \r} and {@code \f} are
 *       ignored wherever they appear, including between and after padding characters (MIME-style
 *       line breaks). No other byte is ignored: any other byte, including every non-ASCII byte and
 *       other control characters such as vertical tab, makes the text invalid.
 *   <li><b>Padding.</b> Optional. When present, {@code =} may only complete the final group: two
 *       {@code =} after a final group of 2 characters, one after a final group of 3. Only
 *       whitespace may follow it. A single {@code =} after 2 characters, {@code =} after 0 or 1
 *       characters of a group, a third {@code =}, or any data after the padding is invalid.
 *   <li><b>Final group.</b> A final group of 2 characters gives 1 byte, of 3 characters 2 bytes; a
 *       single leftover character is invalid.
 *   <li><b>Trailing bits.</b> Lenient, like {@link java.util.Base64.Decoder}: the unused low bits
 *       of a final group of 2 or 3 characters are ignored even when they are not zero ({@code Zh==}
 *       decodes to {@code f} just like {@code Zg==}).
 *   <li><b>Empty text.</b> An empty text, or one of whitespace only, decodes to 0 bytes.
 * </ul>
 *
 * <p>So a text is accepted exactly when {@code java.util.Base64.getDecoder()} accepts it after
 * mapping {@code -} to {@code +}, {@code _} to {@code /} and removing the five whitespace
 * characters, and the decoded bytes are then the same.
 *
 * <p>On an exception, {@code out} may already have received a prefix of the decoded bytes (never
 * more than {@code maxDecodedBytes}); the caller should discard it. Neither stream is closed or
 * flushed.
 */
public final class Base64Stream {

  /** Size of the read buffer and of the write buffer. */
  static final int BUFFER_SIZE = 64 * 1024;

  private static final byte INVALID = -1;
  private static final byte WHITESPACE = -2;
  private static final byte PAD = -3;

  /**
   * Byte value to its 6-bit value, or one of {@link #INVALID}, {@link #WHITESPACE}, {@link #PAD}.
   */
  private static final byte[] TABLE = new byte[256];

  static {
    Arrays.fill(TABLE, INVALID);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      TABLE[alphabet.charAt(i)] = (byte) i;
    }
    TABLE['-'] = 62;
    TABLE['_'] = 63;
    for (char c : new char[] {' ', '\t', '\n', '\r', '\f'}) {
      TABLE[c] = WHITESPACE;
    }
    TABLE['='] = PAD;
  }

  /** Reading data characters; no padding seen yet. */
  private static final int DATA = 0;

  /** A single {@code =} was seen after a final group of 2 characters; a second one must follow. */
  private static final int ONE_MORE_PAD = 1;

  /** The padding is complete; only whitespace may follow. */
  private static final int PADDED = 2;

  private Base64Stream() {}

  /**
   * Decodes the base64 text read from {@code in} into {@code out}.
   *
   * @param in the base64 text (ASCII); read to its end
   * @param out receives the decoded bytes
   * @param maxDecodedBytes the most decoded bytes allowed; {@link Long#MAX_VALUE} for no limit
   * @return the number of decoded bytes written to {@code out}
   * @throws InvalidBase64Exception if the text is not valid base64; its {@link
   *     InvalidBase64Exception#offset() offset} tells where (a 0-based byte offset in the text)
   * @throws TooLargeException as soon as the decoded size would exceed {@code maxDecodedBytes},
   *     before anything past the limit is written (and before the rest of the text is checked)
   * @throws IOException if reading or writing fails
   * @throws IllegalArgumentException if {@code maxDecodedBytes} is negative
   */
  public static long decode(InputStream in, OutputStream out, long maxDecodedBytes)
      throws IOException, InvalidBase64Exception, TooLargeException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    if (maxDecodedBytes < 0) {
      throw new IllegalArgumentException("maxDecodedBytes must not be negative");
    }
    byte[] inBuf = new byte[BUFFER_SIZE];
    byte[] outBuf = new byte[BUFFER_SIZE];
    int outPos = 0;
    long decoded = 0; // written to out plus buffered in outBuf
    long bufStart = 0; // offset in the text of inBuf[0]
    long lastData = -1; // offset of the last data character
    int bits = 0; // the data characters of the current group, 6 bits each
    int count = 0; // data characters in the current group, 0..3
    int state = DATA;
    int n;
    while ((n = in.read(inBuf, 0, BUFFER_SIZE)) != -1) {
      for (int i = 0; i < n; i++) {
        int v = TABLE[inBuf[i] & 0xff];
        if (v >= 0) {
          if (state != DATA) {
            throw new InvalidBase64Exception(
                "padding in the middle: "
                    + describe(inBuf[i], bufStart + i)
                    + " follows the padding",
                bufStart + i);
          }
          lastData = bufStart + i;
          bits = bits << 6 | v;
          if (++count == 4) {
            if (decoded + 3 > maxDecodedBytes) {
              throw new TooLargeException(maxDecodedBytes);
            }
            if (outPos > BUFFER_SIZE - 3) {
              out.write(outBuf, 0, outPos);
              outPos = 0;
            }
            outBuf[outPos] = (byte) (bits >> 16);
            outBuf[outPos + 1] = (byte) (bits >> 8);
            outBuf[outPos + 2] = (byte) bits;
            outPos += 3;
            decoded += 3;
            bits = 0;
            count = 0;
          }
        } else if (v == WHITESPACE) {
          // ignored
        } else if (v == PAD) {
          long offset = bufStart + i;
          if (state == ONE_MORE_PAD) {
            state = PADDED;
          } else if (state == PADDED) {
            throw new InvalidBase64Exception(
                "too much padding: '=' at offset " + offset + " after a complete final group",
                offset);
          } else if (count < 2) {
            throw new InvalidBase64Exception(
                "padding '=' at offset "
                    + offset
                    + " cannot be there: padding may only complete a final group of 2 or 3"
                    + " characters",
                offset);
          } else {
            int bytes = count - 1; // 2 characters give 1 byte, 3 give 2
            if (decoded + bytes > maxDecodedBytes) {
              throw new TooLargeException(maxDecodedBytes);
            }
            if (outPos > BUFFER_SIZE - 2) {
              out.write(outBuf, 0, outPos);
              outPos = 0;
            }
            outPos = putFinalGroup(bits, count, outBuf, outPos);
            decoded += bytes;
            count = 0;
            state = bytes == 1 ? ONE_MORE_PAD : PADDED;
          }
        } else {
          throw new InvalidBase64Exception(
              describe(inBuf[i], bufStart + i) + " is not base64", bufStart + i);
        }
      }
      bufStart += n;
    }
    if (state == ONE_MORE_PAD) {
      throw new InvalidBase64Exception(
          "incomplete padding: the text ends after a single '=' where '==' is needed (offset "
              + bufStart
              + ")",
          bufStart);
    }
    if (count == 1) {
      throw new InvalidBase64Exception(
          "the text ends with a single character (at offset "
              + lastData
              + "); a final group needs 2 or 3 characters",
          lastData);
    }
    if (count > 1) {
      int bytes = count - 1;
      if (decoded + bytes > maxDecodedBytes) {
        throw new TooLargeException(maxDecodedBytes);
      }
      if (outPos > BUFFER_SIZE - 2) {
        out.write(outBuf, 0, outPos);
        outPos = 0;
      }
      outPos = putFinalGroup(bits, count, outBuf, outPos);
      decoded += bytes;
    }
    if (outPos > 0) {
      out.write(outBuf, 0, outPos);
    }
    return decoded;
  }

  /** Puts the 1 or 2 bytes of a final group of 2 or 3 characters; low leftover bits are dropped. */
  private static int putFinalGroup(int bits, int count, byte[] outBuf, int outPos) {
    if (count == 2) {
      outBuf[outPos++] = (byte) (bits >> 4);
    } else {
      outBuf[outPos++] = (byte) (bits >> 10);
      outBuf[outPos++] = (byte) (bits >> 2);
    }
    return outPos;
  }

  /** "character 'x' at offset N" for printable ASCII, "byte 0x0B at offset N" otherwise. */
  private static String describe(byte b, long offset) {
    int c = b & 0xff;
    String what =
        c > 0x20 && c < 0x7f ? "character '" + (char) c + "'" : String.format("byte 0x%02X", c);
    return what + " at offset " + offset;
  }

  /** The text is not valid base64; the message says what is wrong and where. */
  public static final class InvalidBase64Exception extends Exception {
    private static final long serialVersionUID = 1L;

    private final long offset;

    InvalidBase64Exception(String message, long offset) {
      super(message);
      this.offset = offset;
    }

    /** The 0-based byte offset in the text of the character that made it invalid. */
    public long offset() {
      return offset;
    }
  }

  /** The decoded data would be larger than the allowed maximum. */
  public static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long limit;

    TooLargeException(long limit) {
      super("the decoded data exceeds the limit of " + limit + " bytes");
      this.limit = limit;
    }

    /** The maximum number of decoded bytes that was exceeded. */
    public long limit() {
      return limit;
    }
  }
}
