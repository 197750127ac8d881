package dev.mtasts.tlsrpt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MboxTest {
  static List<Mbox.Message> split(String mbox, int max) throws IOException {
    Mbox m = new Mbox(new ByteArrayInputStream(mbox.getBytes(StandardCharsets.UTF_8)), max);
    List<Mbox.Message> out = new ArrayList<>();
    Mbox.Message x;
    while ((x = m.next()) != null) {
      out.add(x);
    }
    return out;
  }

  static String text(Mbox.Message m) {
    return new String(m.content(), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("RPT-34: an mbox splits at From_ lines and >From escapes lose one '>' (mboxrd)")
  void splitsAndUnescapes() throws IOException {
    String mbox = "From a@b Thu Apr  2 03:17:00 2026\nSubject: one\n\n>From the start\n>>From twice\n> quoted\n\n"
        + "From c@d Thu Apr  2 03:18:00 2026\nSubject: two\n\nbody\n";
    List<Mbox.Message> m = split(mbox, 1 << 20);
    assertThat(m).hasSize(2);
    assertThat(text(m.get(0))).isEqualTo("Subject: one\n\nFrom the start\n>From twice\n> quoted\n\n");
    assertThat(text(m.get(1))).isEqualTo("Subject: two\n\nbody\n");
  }

  @Test
  @DisplayName("RPT-35: a message over the cap is skipped without being kept; the next is read")
  void skipsAnOversizedMessage() throws IOException {
    String mbox = "From a\nSubject: small\n\nx\nFrom b\nSubject: big\n\n" + "y".repeat(5000) + "\n"
        + "From c\nSubject: after\n\nz\n";
    List<Mbox.Message> m = split(mbox, 1024);
    assertThat(m).hasSize(3);
    assertThat(text(m.get(0))).isEqualTo("Subject: small\n\nx\n");
    assertThat(m.get(1).content()).isNull();
    assertThat(m.get(1).size()).isEqualTo(1025);
    assertThat(text(m.get(2))).isEqualTo("Subject: after\n\nz\n");
  }

  @Test
  @DisplayName("RPT-34: text before the first From_ line and an empty file hold no message")
  void ignoresAPrologue() throws IOException {
    assertThat(split("", 1024)).isEmpty();
    List<Mbox.Message> m = split("junk\nFrom a\n\nbody\n", 1024);
    assertThat(m).singleElement().satisfies(x -> assertThat(text(x)).isEqualTo("\nbody\n"));
  }
}
