package dev.filesapi.file;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.file.Base64Stream.InvalidBase64Exception;
import dev.filesapi.file.Base64Stream.TooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base64StreamTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''       | ''       | ''",
        "f        | Zg==     | Zg",
        "fo       | Zm8=     | Zm8",
        "foo      | Zm9v     | Zm9v",
        "foob     | Zm9vYg== | Zm9vYg",
        "fooba    | Zm9vYmE= | Zm9vYmE",
        "foobar   | Zm9vYmFy | Zm9vYmFy"
      })
  void decodesTheRfc4648VectorsWithAndWithoutPadding(
      String expected, String padded, String unpadded) throws Exception {
    assertThat(decodeToString(padded)).isEqualTo(expected);
    assertThat(decodeToString(unpadded)).isEqualTo(expected);
  }

  @Test
  void acceptsTheStandardAndTheUrlSafeAlphabetAndAMixOfBoth() throws Exception {
    byte[] bytes = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, (byte) 0xfe};
    assertThat(Base64.getEncoder().encodeToString(bytes)).isEqualTo("+/+//g==");
    assertThat(decode("+/+//g==")).isEqualTo(bytes);
    assertThat(decode("-_-__g==")).isEqualTo(bytes);
    assertThat(decode("-_-__g")).isEqualTo(bytes);
    assertThat(decode("+_-/_g")).isEqualTo(bytes);
  }

  @Test
  void ignoresWhitespaceAndLineBreaksAnywhere() throws Exception {
    assertThat(decodeToString("Zm9v\r\nYmFy\r\n")).isEqualTo("foobar");
    assertThat(decodeToString(" Z m 9 v\tY\fm\nF\ry ")).isEqualTo("foobar");
    assertThat(decodeToString("\n\nZm9vYg\n=\n=\n\n")).isEqualTo("foob");
    assertThat(decodeToString("Zm9vYmE =  \t")).isEqualTo("fooba");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\r\n", " \t\n\r\f "})
  void emptyOrWhitespaceOnlyTextDecodesToNothing(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(Base64Stream.decode(ascii(text), out, 0)).isZero();
    assertThat(out.size()).isZero();
  }

  @Test
  void ignoresNonZeroTrailingBitsLikeJavaUtilBase64() throws Exception {
    // "Zg" is 011001 100000; "Zh" sets one of the 4 unused bits, "Zv" all of them.
    assertThat(decodeToString("Zh==")).isEqualTo("f");
    assertThat(decodeToString("Zv")).isEqualTo("f");
    assertThat(decodeToString("Zm9=")).isEqualTo("fo");
    assertThat(Base64.getDecoder().decode("Zh==")).isEqualTo(new byte[] {'f'});
    assertThat(Base64.getDecoder().decode("Zm9=")).isEqualTo("fo".getBytes(US_ASCII));
  }

  @Test
  void rejectsACharacterOutsideTheAlphabet() {
    assertInvalid("Zm9v!mFy", 4, "character '!' at offset 4 is not base64");
    assertInvalid("Zm9v.", 4, "character '.' at offset 4 is not base64");
    assertInvalid("Zm\u000B9v", 2, "byte 0x0B at offset 2 is not base64");
    assertInvalid("\u0000", 0, "byte 0x00 at offset 0 is not base64");
  }

  @Test
  void rejectsNonAsciiBytes() {
    assertInvalidBytes(
        new byte[] {'Z', 'm', (byte) 0xC3, (byte) 0xA9}, 2, "byte 0xC3 at offset 2 is not base64");
    assertInvalidBytes(new byte[] {(byte) 0x80}, 0, "byte 0x80 at offset 0 is not base64");
    assertInvalidBytes(new byte[] {(byte) 0xFF}, 0, "byte 0xFF at offset 0 is not base64");
  }

  @Test
  void rejectsDataAfterPadding() {
    assertInvalid(
        "Zg==Zg==", 4, "padding in the middle: character 'Z' at offset 4 follows the padding");
    assertInvalid(
        "Zm9=\nYmFy", 5, "padding in the middle: character 'Y' at offset 5 follows the padding");
    assertInvalid(
        "Zg=a", 3, "padding in the middle: character 'a' at offset 3 follows the padding");
  }

  @Test
  void rejectsPaddingWhereItCannotBe() {
    String cannot =
        " cannot be there: padding may only complete a final group of 2 or 3 characters";
    assertInvalid("=", 0, "padding '=' at offset 0" + cannot);
    assertInvalid("==", 0, "padding '=' at offset 0" + cannot);
    assertInvalid("Z=", 1, "padding '=' at offset 1" + cannot);
    assertInvalid("Z===", 1, "padding '=' at offset 1" + cannot);
    assertInvalid("Zm9v=", 4, "padding '=' at offset 4" + cannot);
    assertInvalid("Zm9v====", 4, "padding '=' at offset 4" + cannot);
  }

  @Test
  void rejectsTooMuchPadding() {
    assertInvalid("Zg===", 4, "too much padding: '=' at offset 4 after a complete final group");
    assertInvalid("Zm9==", 4, "too much padding: '=' at offset 4 after a complete final group");
    assertInvalid("Zg= = =", 6, "too much padding: '=' at offset 6 after a complete final group");
  }

  @Test
  void rejectsIncompletePadding() {
    assertInvalid(
        "Zg=",
        3,
        "incomplete padding: the text ends after a single '=' where '==' is needed (offset 3)");
    assertInvalid(
        "Zm9vYg=\r\n",
        9,
        "incomplete padding: the text ends after a single '=' where '==' is needed (offset 9)");
  }

  @Test
  void rejectsASingleLeftoverCharacter() {
    String needs = "); a final group needs 2 or 3 characters";
    assertInvalid("Z", 0, "the text ends with a single character (at offset 0" + needs);
    assertInvalid("Zm9vY", 4, "the text ends with a single character (at offset 4" + needs);
    assertInvalid("Zm9v\r\nY\r\n", 6, "the text ends with a single character (at offset 6" + needs);
  }

  @Test
  void theLimitIsInclusive() throws Exception {
    // 6 bytes in full groups; 4 and 5 bytes ending in partial groups, padded and not.
    for (String text : new String[] {"Zm9vYmFy", "Zm9vYg==", "Zm9vYg", "Zm9vYmE=", "Zm9vYmE"}) {
      int size = Base64.getDecoder().decode(text).length;

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(Base64Stream.decode(ascii(text), out, size)).isEqualTo(size);
      assertThat(out.size()).isEqualTo(size);

      ByteArrayOutputStream tooSmall = new ByteArrayOutputStream();
      assertThatThrownBy(() -> Base64Stream.decode(ascii(text), tooSmall, size - 1))
          .isInstanceOf(TooLargeException.class)
          .hasMessage("the decoded data exceeds the limit of " + (size - 1) + " bytes")
          .satisfies(e -> assertThat(((TooLargeException) e).limit()).isEqualTo(size - 1));
      assertThat(tooSmall.size()).isLessThanOrEqualTo(size - 1);
    }
  }

  @Test
  void aZeroLimitAllowsOnlyEmptyData() throws Exception {
    assertThat(Base64Stream.decode(ascii(""), new ByteArrayOutputStream(), 0)).isZero();
    assertThatThrownBy(() -> Base64Stream.decode(ascii("Zg=="), new ByteArrayOutputStream(), 0))
        .isInstanceOf(TooLargeException.class);
  }

  @Test
  void stopsAtTheLimitWithoutReadingTheRest() throws Exception {
    // 3 MiB decoded, limit 1 MiB: the exception comes after about 1 MiB of decoding, before the
    // invalid character at the end is reached, and no more than the limit is written.
    byte[] bytes = new byte[3 << 20];
    String text = Base64.getEncoder().encodeToString(bytes) + "!";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CountingInputStream in = new CountingInputStream(ascii(text));
    assertThatThrownBy(() -> Base64Stream.decode(in, out, 1 << 20))
        .isInstanceOf(TooLargeException.class);
    assertThat(out.size()).isLessThanOrEqualTo(1 << 20);
    assertThat(in.count).isLessThan(text.length() / 2);
  }

  @Test
  void rejectsANegativeLimit() {
    assertThatThrownBy(() -> Base64Stream.decode(ascii(""), new ByteArrayOutputStream(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodesTenMegabytesThroughTinyReads() throws Exception {
    Random random = new Random(20240611L);
    byte[] bytes = new byte[10_000_001]; // not a multiple of 3: ends in a partial group
    random.nextBytes(bytes);
    Base64.Encoder[] encoders = {
      Base64.getMimeEncoder(), Base64.getUrlEncoder().withoutPadding(),
    };
    for (Base64.Encoder encoder : encoders) {
      byte[] text = encoder.encode(bytes);
      ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
      InputStream in = new TinyReadsInputStream(text, new Random(random.nextLong()));
      assertThat(Base64Stream.decode(in, out, bytes.length)).isEqualTo(bytes.length);
      assertThat(out.toByteArray()).isEqualTo(bytes);
    }
  }

  @Test
  void decodesLongerThanTheBuffersInOneRead() throws Exception {
    // Full buffers on both sides, groups straddling the 64 KiB read boundary.
    Random random = new Random(7);
    for (int size : new int[] {49151, 49152, 49153, 196_608 + 2, 1 << 20}) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      String text = Base64.getMimeEncoder().encodeToString(bytes);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(Base64Stream.decode(ascii(text), out, Long.MAX_VALUE)).isEqualTo(size);
      assertThat(out.toByteArray()).isEqualTo(bytes);
    }
  }

  @Test
  void reportsOffsetsBeyondTheFirstBuffer() {
    String text = "QUJD".repeat(50_000) + "\n!";
    assertInvalid(text, 200_001, "character '!' at offset 200001 is not base64");
  }

  private static byte[] decode(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = Base64Stream.decode(ascii(text), out, Long.MAX_VALUE);
    assertThat(n).isEqualTo(out.size());
    return out.toByteArray();
  }

  private static String decodeToString(String text) throws Exception {
    return new String(decode(text), ISO_8859_1);
  }

  private static void assertInvalid(String text, long offset, String message) {
    assertInvalidBytes(text.getBytes(ISO_8859_1), offset, message);
  }

  private static void assertInvalidBytes(byte[] text, long offset, String message) {
    assertThatThrownBy(
            () ->
                Base64Stream.decode(
                    new ByteArrayInputStream(text), new ByteArrayOutputStream(), Long.MAX_VALUE))
        .isInstanceOf(InvalidBase64Exception.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((InvalidBase64Exception) e).offset()).isEqualTo(offset));
  }

  private static InputStream ascii(String text) {
    return new ByteArrayInputStream(text.getBytes(ISO_8859_1));
  }

  /** Returns 1 to 7 bytes per read, to put buffer boundaries everywhere. */
  static final class TinyReadsInputStream extends InputStream {
    private final byte[] data;
    private final Random random;
    private int pos;

    TinyReadsInputStream(byte[] data, Random random) {
      this.data = data;
      this.random = random;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1 + random.nextInt(7)), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private static final class CountingInputStream extends InputStream {
    private final InputStream in;
    long count;

    CountingInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
