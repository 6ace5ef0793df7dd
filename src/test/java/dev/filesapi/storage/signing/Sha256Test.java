package dev.filesapi.storage.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both implementations, against FIPS 180-4's examples and the JDK's SHA-256. */
class Sha256Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  static Stream<Supplier<Sha256>> implementations() {
    return Stream.of(PlainSha256::new, JdkSha256::new);
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void matchesTheFipsExamples(Supplier<Sha256> sha256) {
    assertThat(hex(sha256.get().update(ascii("abc")).digest())).isEqualTo(ABC);
    assertThat(hex(sha256.get().digest()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(
            hex(
                sha256
                    .get()
                    .update(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                    .digest()))
        .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  }

  /** Every length around the block and padding boundaries, fed whole and in uneven pieces. */
  @ParameterizedTest
  @MethodSource("implementations")
  void matchesTheJdkForEveryLengthAndSplit(Supplier<Sha256> sha256) throws Exception {
    Random random = new Random(42);
    for (int length = 0; length <= 300; length++) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
      assertThat(sha256.get().update(data).digest()).as("length %d", length).isEqualTo(expected);
      Sha256 pieces = sha256.get();
      for (int at = 0; at < length; ) {
        int count = Math.min(length - at, 1 + random.nextInt(70));
        pieces.update(data, at, count);
        at += count;
      }
      assertThat(pieces.digest()).as("length %d in pieces", length).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void aCopiedStateContinuesLikeTheOriginalAndLeavesItAlone(Supplier<Sha256> sha256)
      throws Exception {
    byte[] head = ascii("PUT\n/bucket/key\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK");
    Sha256 saved = sha256.get().update(head);
    Sha256 scratch = sha256.get();
    for (String tail : new String[] {"partNumber=1", "partNumber=10000&uploadId=u", ""}) {
      MessageDigest jdk = MessageDigest.getInstance("SHA-256");
      jdk.update(head);
      byte[] expected = jdk.digest(ascii(tail));
      assertThat(scratch.copyFrom(saved).update(ascii(tail)).digest()).isEqualTo(expected);
    }
    assertThat(saved.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(head));
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void aDigestResetsForTheNextMessage(Supplier<Sha256> sha256) {
    Sha256 sha = sha256.get();
    sha.update(ascii("something else")).digest();
    assertThat(hex(sha.update(ascii("abc")).digest())).isEqualTo(ABC);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}
