package dev.filesapi.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming multipart/form-data reader, on bodies delivered in pieces of any size. */
class FormReaderTest {

  private record Read(String name, String filename, String type, byte[] content) {}

  /** Reads every part, the body arriving {@code piece} bytes at a time. */
  private static List<Read> readAll(byte[] body, String boundary, int piece) throws IOException {
    FormReader form = new FormReader(trickle(body, piece), boundary);
    List<Read> parts = new ArrayList<>();
    FormReader.Part part;
    while ((part = form.next()) != null) {
      parts.add(
          new Read(
              part.name(), part.filename(), part.contentType(), part.content().readAllBytes()));
    }
    assertThat(form.readToTheEnd()).isTrue();
    return parts;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 64, 65_537, Integer.MAX_VALUE})
  void partsComeBackByteForByteWhateverThePiecesOfTheBody(int piece) throws IOException {
    byte[] file = new byte[300_000];
    new Random(piece).nextBytes(file);
    // Lines that almost make the delimiter, inside the content.
    byte[] tricky = "\r\n--b\r\n--bound\r\n--boundar".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tricky, 0, file, 1000, tricky.length);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ascii(
            "preamble to ignore\r\n--boundary\r\nContent-Disposition: form-data; name=\"note\""
                + "\r\n\r\nhello\r\n--boundary\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"a;b.bin\"\r\nContent-Type: image/png; charset=x\r\n\r\n"));
    body.writeBytes(file);
    body.writeBytes(ascii("\r\n--boundary--\r\nepilogue"));

    List<Read> parts = readAll(body.toByteArray(), "boundary", piece);

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).name()).isEqualTo("note");
    assertThat(parts.get(0).filename()).isNull();
    assertThat(parts.get(0).content()).isEqualTo(ascii("hello"));
    assertThat(parts.get(1).filename()).isEqualTo("a;b.bin");
    assertThat(parts.get(1).type()).isEqualTo("image/png");
    assertThat(parts.get(1).content()).isEqualTo(file);
  }

  @Test
  void headersAreUtf8BackslashesKeptAndFilenameStarWins() throws IOException {
    byte[] body =
        ("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"..\\\\x\\ü.txt\"\r\n\r\n"
                + "1\r\n--b\r\ncontent-disposition: form-data; name=f; filename=\"plain.txt\";"
                + " filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\n2\r\n--b--")
            .getBytes(StandardCharsets.UTF_8);

    List<Read> parts = readAll(body, "b", 5);

    assertThat(parts.get(0).filename()).isEqualTo("..\\\\x\\ü.txt");
    assertThat(parts.get(1).filename()).isEqualTo("€ rates.txt");
    assertThat(parts.get(1).type()).isNull();
  }

  @Test
  void aLineBreakInAFilenameEndsTheHeaderLine() throws IOException {
    byte[] body =
        ascii(
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\r\n"
                + "X-Injected: 1\"\r\n\r\nbody\r\n--b--\r\n");

    List<Read> parts = readAll(body, "b", 3);

    assertThat(parts.get(0).filename()).isEqualTo("x.txt");
    assertThat(parts.get(0).content()).isEqualTo(ascii("body"));
  }

  @Test
  void anEmptyFileAndAnEmptyForm() throws IOException {
    assertThat(
            readAll(
                    ascii(
                        "--b\r\nContent-Disposition: form-data; name=a; filename=e\r\n\r\n\r\n--b--"),
                    "b",
                    1)
                .get(0)
                .content())
        .isEmpty();
    assertThat(readAll(ascii("--b--\r\n"), "b", 1)).isEmpty();
  }

  @Test
  void bodiesThatAreNotTheirFormAreMalformed() {
    for (String body :
        List.of(
            "",
            "garbage garbage",
            "--other\r\n\r\nx\r\n--other--",
            "--b\r\nContent-Disposition: form-data; name=file; filename=cut\r\n\r\nhalf",
            "--b\r\nno colon here\r\n\r\nx\r\n--b--",
            "--b\r\nContent-Disposition: form-data; name=a\r\n",
            "--bX\r\n")) {
      assertThatThrownBy(() -> readAll(ascii(body), "b", 4))
          .as(body)
          .isInstanceOf(FormReader.MalformedFormException.class);
    }
  }

  @Test
  void theBoundaryComesFromTheContentType() throws IOException {
    assertThat(FormReader.boundaryOf("multipart/form-data; boundary=abc")).isEqualTo("abc");
    assertThat(FormReader.boundaryOf("multipart/form-data; charset=x; BOUNDARY=\"a b;c\""))
        .isEqualTo("a b;c");
    for (String type :
        List.of(
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=" + "b".repeat(71))) {
      assertThatThrownBy(() -> FormReader.boundaryOf(type))
          .as(type)
          .isInstanceOf(FormReader.MalformedFormException.class);
    }
  }

  @Test
  void theOffsetIsWhereTheFilesContentStarts() throws IOException {
    String head = "--b\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n";
    FormReader form =
        new FormReader(new ByteArrayInputStream(ascii(head + "abc\r\n--b--\r\n")), "b");

    form.next();

    assertThat(form.offset()).isEqualTo(head.length());
    assertThat(form.closing()).isEqualTo("\r\n--b--\r\n".length());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** A stream that hands out at most {@code piece} bytes per read, as a network does. */
  private static InputStream trickle(byte[] body, int piece) {
    return new ByteArrayInputStream(body) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, piece));
      }
    };
  }
}
