package dev.filesapi.file;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Content-Disposition per RFC 6266 / RFC 5987 for any name a file can have. */
class ContentDispositionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\u0000',
      textBlock =
          """
          report.pdf            | report.pdf            | report.pdf
          my file.txt           | my file.txt           | my%20file.txt
          say "hi".txt          | say _hi_.txt          | say%20%22hi%22.txt
          ünï.txt               | _n_.txt               | %C3%BCn%C3%AF.txt
          😀 party.png          | _ party.png           | %F0%9F%98%80%20party.png
          100%.txt              | 100%.txt              | 100%25.txt
          a;b=c.txt             | a;b=c.txt             | a%3Bb%3Dc.txt
          it's*.txt             | it's*.txt             | it%27s%2A.txt
          a/b/c.txt             | c.txt                 | c.txt
          dir\\ünï.txt          | _n_.txt               | %C3%BCn%C3%AF.txt
          ends-with-backslash\\ | ends-with-backslash_  | ends-with-backslash%5C
          trailing/             | trailing_             | trailing%2F
          """)
  void encodesTheBaseNameTwice(String name, String fallback, String encoded) {
    assertThat(ContentDisposition.attachment(name))
        .isEqualTo("attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "line\r\nbreak.txt",
        "nul\u0000.txt",
        "del\u007f.txt",
        "nel\u0085.txt",
        "sep\u2028.txt",
        "tab\t.txt",
        "日本語のファイル.txt",
        "emoji 😀👍🏽.png",
        "quote\"back\\slash",
        "\uD800lone surrogate"
      })
  void headerIsAlwaysPrintableAscii(String name) {
    String header = ContentDisposition.attachment(name);

    assertThat(header).doesNotContain("\r", "\n");
    assertThat(header.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    String quoted = header.substring(header.indexOf('"') + 1, header.lastIndexOf('"'));
    assertThat(quoted).doesNotContain("\"", "\\");
  }
}
