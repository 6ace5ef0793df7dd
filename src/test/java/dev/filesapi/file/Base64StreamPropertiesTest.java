package dev.filesapi.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.file.Base64Stream.InvalidBase64Exception;
import dev.filesapi.file.Base64Stream.TooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-based tests of {@link Base64Stream} against {@link java.util.Base64}.
 *
 * <p>Runs on plain JUnit Jupiter with a small harness ({@link #forAll}): each property is checked
 * on {@code TRIES} generated inputs from a fixed seed, so a run is reproducible; a failure is
 * shrunk to a smaller failing input and reported with its seed. {@code -Dbase64.seed=N} and {@code
 * -Dbase64.tries=N} change the seed and the number of tries.
 */
class Base64StreamPropertiesTest {

  private static final long SEED = Long.getLong("base64.seed", 0xB64_5EEDL);
  private static final int TRIES = Integer.getInteger("base64.tries", 1000);

  static Stream<Arguments> encoders() {
    return Stream.of(
        Arguments.of("basic", Base64.getEncoder()),
        Arguments.of("basic without padding", Base64.getEncoder().withoutPadding()),
        Arguments.of("URL-safe", Base64.getUrlEncoder()),
        Arguments.of("URL-safe without padding", Base64.getUrlEncoder().withoutPadding()),
        Arguments.of("MIME", Base64.getMimeEncoder()),
        Arguments.of("MIME without padding", Base64.getMimeEncoder().withoutPadding()),
        Arguments.of("MIME, 4-char lines, LF", Base64.getMimeEncoder(4, "\n".getBytes(UTF_8))),
        Arguments.of(
            "MIME, 8-char lines, \\t\\f", Base64.getMimeEncoder(8, "\t\f".getBytes(UTF_8))));
  }

  /** Whatever java.util.Base64 encodes, we decode back to the same bytes. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("encoders")
  void decodesWhatJavaUtilBase64Encodes(String name, Base64.Encoder encoder) {
    forAll(
        "round trip through the " + name + " encoder",
        TRIES,
        random -> randomBytes(random, 5000),
        Base64StreamPropertiesTest::shrinkBytes,
        bytes -> {
          byte[] text = encoder.encode(bytes);
          assertThat(ours(text)).as("decoded").isEqualTo(bytes);
        });
  }

  /**
   * Near-base64 strings (mostly alphabet characters, some padding, whitespace and other
   * characters): we accept exactly what java.util.Base64's basic decoder accepts after mapping the
   * URL-safe characters and dropping whitespace, with the same bytes.
   */
  @Test
  void acceptsExactlyWhatJavaUtilBase64AcceptsOnNearBase64Strings() {
    int[] accepted = {0};
    forAll(
        "same verdict as java.util.Base64 on near-base64 strings",
        TRIES * 10,
        random -> nearBase64String(random, 1 + random.nextInt(30)),
        Base64StreamPropertiesTest::shrinkString,
        text -> {
          if (sameVerdictAsJavaUtilBase64(text)) {
            accepted[0]++;
          }
        });
    report("near-base64 strings", TRIES * 10, accepted[0]);
    // Not vacuous: both verdicts are common.
    assertThat(accepted[0]).isBetween(TRIES, TRIES * 9);
  }

  /** Valid encodings with a few edits: the strings most likely to find a wrong verdict. */
  @Test
  void acceptsExactlyWhatJavaUtilBase64AcceptsOnEditedEncodings() {
    int[] accepted = {0};
    forAll(
        "same verdict as java.util.Base64 on edited encodings",
        TRIES * 10,
        Base64StreamPropertiesTest::editedEncoding,
        Base64StreamPropertiesTest::shrinkString,
        text -> {
          if (sameVerdictAsJavaUtilBase64(text)) {
            accepted[0]++;
          }
        });
    report("edited encodings", TRIES * 10, accepted[0]);
    assertThat(accepted[0]).isBetween(TRIES, TRIES * 9);
  }

  /** Any string at all, non-ASCII and supplementary characters included. */
  @Test
  void acceptsExactlyWhatJavaUtilBase64AcceptsOnArbitraryStrings() {
    forAll(
        "same verdict as java.util.Base64 on arbitrary strings",
        TRIES * 10,
        Base64StreamPropertiesTest::arbitraryString,
        Base64StreamPropertiesTest::shrinkString,
        Base64StreamPropertiesTest::sameVerdictAsJavaUtilBase64);
  }

  /** A limit at or above the decoded size passes; below it throws, having written at most it. */
  @Test
  void theLimitIsExact() {
    forAll(
        "decoded size limit",
        TRIES,
        random -> {
          byte[] bytes = randomBytes(random, 300);
          long limit = random.nextInt(bytes.length + 3);
          return new LimitCase(bytes, limit);
        },
        c -> List.of(),
        c -> {
          byte[] text = Base64.getMimeEncoder(4, "\n".getBytes(UTF_8)).encode(c.bytes);
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          InputStream in = readsFor(text);
          if (c.limit >= c.bytes.length) {
            assertThat(decodeQuietly(in, out, c.limit)).isEqualTo(c.bytes.length);
            assertThat(out.toByteArray()).isEqualTo(c.bytes);
          } else {
            assertThatThrownBy(() -> Base64Stream.decode(in, out, c.limit))
                .isInstanceOf(TooLargeException.class);
            assertThat(out.size()).isLessThanOrEqualTo((int) c.limit);
          }
        });
  }

  record LimitCase(byte[] bytes, long limit) {
    @Override
    public String toString() {
      return "limit " + limit + ", " + bytes.length + " bytes " + Arrays.toString(bytes);
    }
  }

  // --- the oracle ---

  /** Checks the relation and returns whether the text was accepted. */
  private static boolean sameVerdictAsJavaUtilBase64(String text) {
    byte[] expected = javaUtilBase64(text);
    byte[] input = text.getBytes(UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      long n = Base64Stream.decode(readsFor(input), out, Long.MAX_VALUE);
      assertThat(expected).as("java.util.Base64 rejects it, but we decoded it").isNotNull();
      assertThat(out.toByteArray()).as("decoded").isEqualTo(expected);
      assertThat(n).as("returned count").isEqualTo(expected.length);
      return true;
    } catch (InvalidBase64Exception e) {
      assertThat(expected)
          .as("java.util.Base64 accepts it, but we rejected it: %s", e.getMessage())
          .isNull();
      assertThat(e.offset()).as("offset").isBetween(0L, (long) input.length);
      return false;
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }

  /** The basic decoder's result after mapping '-' to '+', '_' to '/' and dropping whitespace. */
  private static byte[] javaUtilBase64(String text) {
    String mapped = text.replace('-', '+').replace('_', '/').replaceAll("[ \t\n\r\f]", "");
    try {
      return Base64.getDecoder().decode(mapped);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] ours(byte[] text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = decodeQuietly(readsFor(text), out, Long.MAX_VALUE);
    assertThat(n).as("returned count").isEqualTo(out.size());
    return out.toByteArray();
  }

  private static long decodeQuietly(InputStream in, ByteArrayOutputStream out, long limit) {
    try {
      return Base64Stream.decode(in, out, limit);
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }

  /** Half of the texts are read in 1-7 byte pieces, the others at once; fixed for a text. */
  private static InputStream readsFor(byte[] text) {
    int hash = Arrays.hashCode(text);
    return (hash & 1) == 0
        ? new ByteArrayInputStream(text)
        : new Base64StreamTest.TinyReadsInputStream(text, new Random(hash));
  }

  // --- generators ---

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
  private static final String WHITESPACE = " \t\n\r\f";
  private static final String OTHER = "!.*~\"\\\u000B\u0000\u007F\u0080\u00A0é€\uD83D\uDE00";

  private static byte[] randomBytes(Random random, int maxLength) {
    // Small sizes often, so that every final-group shape is common.
    int length = random.nextInt(4) == 0 ? random.nextInt(10) : random.nextInt(maxLength + 1);
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String nearBase64String(Random random, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(nearBase64Char(random));
    }
    return s.toString();
  }

  private static String nearBase64Char(Random random) {
    int r = random.nextInt(100);
    if (r < 78) {
      return String.valueOf(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    } else if (r < 88) {
      return "=";
    } else if (r < 97) {
      return String.valueOf(WHITESPACE.charAt(random.nextInt(WHITESPACE.length())));
    } else {
      int i = random.nextInt(OTHER.length() - 1);
      return Character.isHighSurrogate(OTHER.charAt(i))
          ? OTHER.substring(i, i + 2)
          : String.valueOf(OTHER.charAt(i));
    }
  }

  private static String editedEncoding(Random random) {
    byte[] bytes = randomBytes(random, 24);
    Base64.Encoder encoder =
        switch (random.nextInt(4)) {
          case 0 -> Base64.getEncoder();
          case 1 -> Base64.getUrlEncoder().withoutPadding();
          case 2 -> Base64.getMimeEncoder(4, "\r\n".getBytes(UTF_8));
          default -> Base64.getUrlEncoder();
        };
    StringBuilder s = new StringBuilder(encoder.encodeToString(bytes));
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(s.length() + 1);
      switch (random.nextInt(3)) {
        case 0 -> s.insert(at, nearBase64Char(random));
        case 1 -> {
          if (at < s.length()) {
            s.deleteCharAt(at);
          }
        }
        default -> {
          if (at < s.length()) {
            s.replace(at, at + 1, nearBase64Char(random));
          }
        }
      }
    }
    return s.toString();
  }

  private static String arbitraryString(Random random) {
    int length = random.nextInt(20);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int r = random.nextInt(3);
      int codePoint =
          r == 0
              ? random.nextInt(0x80)
              : r == 1 ? random.nextInt(0x800) : random.nextInt(Character.MAX_CODE_POINT + 1);
      if (Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF) {
        codePoint = 'A'; // lone surrogates do not survive UTF-8
      }
      s.appendCodePoint(codePoint);
    }
    return s.toString();
  }

  // --- shrinking ---

  /** Shorter strings: without a half, without one character, with one character made 'A'. */
  private static List<String> shrinkString(String s) {
    List<String> smaller = new ArrayList<>();
    if (s.length() > 1) {
      smaller.add(s.substring(0, s.length() / 2));
      smaller.add(s.substring(s.length() / 2));
    }
    for (int i = 0; i < s.length(); i++) {
      smaller.add(s.substring(0, i) + s.substring(i + 1));
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != 'A') {
        smaller.add(s.substring(0, i) + 'A' + s.substring(i + 1));
      }
    }
    return smaller;
  }

  private static List<byte[]> shrinkBytes(byte[] b) {
    List<byte[]> smaller = new ArrayList<>();
    if (b.length > 0) {
      smaller.add(Arrays.copyOf(b, b.length / 2));
      smaller.add(Arrays.copyOfRange(b, b.length / 2, b.length));
      smaller.add(Arrays.copyOf(b, b.length - 1));
      smaller.add(Arrays.copyOfRange(b, 1, b.length));
    }
    return smaller;
  }

  // --- the harness ---

  /**
   * Checks {@code property} on {@code tries} inputs from {@code generator}; on a failure, shrinks
   * the input as far as {@code shrinker} can while it still fails, and throws an AssertionError
   * naming the try, its seed, the smallest failing input and its failure.
   */
  static <T> void forAll(
      String property,
      int tries,
      Function<Random, T> generator,
      Function<T, List<T>> shrinker,
      Consumer<T> check) {
    for (int i = 0; i < tries; i++) {
      long seed = SEED + 0x9E3779B97F4A7C15L * i;
      T value = generator.apply(new Random(seed));
      Throwable failure = failure(check, value);
      if (failure == null) {
        continue;
      }
      T smallest = value;
      int steps = 0;
      boolean shrunk = true;
      while (shrunk && steps < 10_000) {
        shrunk = false;
        for (T candidate : shrinker.apply(smallest)) {
          steps++;
          Throwable candidateFailure = failure(check, candidate);
          if (candidateFailure != null) {
            smallest = candidate;
            failure = candidateFailure;
            shrunk = true;
            break;
          }
        }
      }
      throw new AssertionError(
          String.format(
              "property '%s' falsified at try %d of %d (-Dbase64.seed=%d, try seed %d)%n"
                  + "  smallest failing input: %s%n  original input: %s%n  failure: %s",
              property,
              i + 1,
              tries,
              SEED,
              seed,
              show(smallest),
              show(value),
              failure.getMessage()),
          failure);
    }
    System.out.printf("property '%s': %d tries passed (seed %d)%n", property, tries, SEED);
  }

  private static <T> Throwable failure(Consumer<T> check, T value) {
    try {
      check.accept(value);
      return null;
    } catch (AssertionError | RuntimeException e) {
      return e;
    }
  }

  private static String show(Object value) {
    if (value instanceof byte[] bytes) {
      String all = Arrays.toString(bytes);
      return bytes.length + " bytes " + (all.length() > 400 ? all.substring(0, 400) + "…" : all);
    }
    if (value instanceof String s) {
      StringBuilder b = new StringBuilder("\"");
      s.codePoints()
          .forEach(
              c -> {
                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                  b.append((char) c);
                } else {
                  b.append(String.format("\\u{%X}", c));
                }
              });
      return b.append('"').toString();
    }
    return String.valueOf(value);
  }

  private static void report(String what, int tries, int accepted) {
    System.out.printf(
        "%s: %d tries, %d accepted by both, %d rejected by both%n",
        what, tries, accepted, tries - accepted);
  }
}
