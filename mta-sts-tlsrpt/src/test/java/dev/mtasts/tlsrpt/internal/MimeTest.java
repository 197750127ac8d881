package dev.mtasts.tlsrpt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MimeTest {

  @Test
  void foldsLongHeaderLinesAtSpaces() {
    String line = "Subject: Report Domain: a-very-long-policy-domain-name.example.com Submitter: "
        + "another-rather-long-submitter.example.net Report-ID: <2026-04-01.0123456789abcdef@submitter.example>";
    String folded = Mime.fold(line);
    assertThat(folded.replace("\r\n", "")).isEqualTo(line);
    for (String l : folded.split("\r\n")) {
      assertThat(l.length()).isLessThanOrEqualTo(78);
    }
    assertThat(folded.split("\r\n")).allSatisfy(l -> assertThat(l).isNotBlank());
  }

  @Test
  void keepsShortLinesAndOverlongWords() {
    assertThat(Mime.fold("To: a@b.example")).isEqualTo("To: a@b.example");
    String word = "X: " + "y".repeat(100);
    assertThat(Mime.fold(word)).isEqualTo(word);
  }

  @Test
  void base64LinesAre76Characters() {
    String b64 = Mime.base64Lines(new byte[200]);
    assertThat(b64.split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(76));
    assertThat(b64).endsWith("\r\n");
  }
}
