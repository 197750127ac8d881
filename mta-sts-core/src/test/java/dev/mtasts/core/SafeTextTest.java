package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** SEC-12: text from the network never reaches a terminal or a log with a control character in it. */
class SafeTextTest {
  @Test
  void terminalEscapeSequencesBecomeVisibleText() {
    String hostile = "v=STSv1; id=1\u001b]0;owned\u0007\u001b[2J";
    assertThat(SafeText.escape(hostile)).isEqualTo("v=STSv1; id=1\\e]0;owned\\x07\\e[2J")
        .doesNotContain("\u001b", "\u0007");
  }

  @Test
  void lineBreaksCannotForgeALogLine() {
    assertThat(SafeText.escape("a\r\nINFO forged\u2028x\u0085y")).isEqualTo("a\\r\\nINFO forged\\u2028x\\x85y");
  }

  @Test
  void bidiOverridesAndByteOrderMarksAreEscaped() {
    assertThat(SafeText.escape("\ufeffabc\u202edcba\u2066")).isEqualTo("\\ufeffabc\\u202edcba\\u2066");
  }

  @Test
  void lettersOfEveryScriptAndPairedSurrogatesAreKept() {
    String s = "mail.bücher.example 例え \uD83D\uDE00";
    assertThat(SafeText.escape(s)).isSameAs(s);
    assertThat(SafeText.needsEscape(s)).isFalse();
  }

  @Test
  void unpairedSurrogatesAreEscaped() {
    assertThat(SafeText.escape("a\uD83Db")).isEqualTo("a\\ud83db");
    assertThat(SafeText.escape("\uDE00b")).isEqualTo("\\ude00b");
  }

  @Test
  void aLimitShortensTheOutputAndMarksTheCut() {
    assertThat(SafeText.escape("x".repeat(1_000_000), 20)).isEqualTo("x".repeat(20) + "...");
    assertThat(SafeText.escape("abc", 3)).isEqualTo("abc");
    assertThatIllegalArgumentException().isThrownBy(() -> SafeText.escape("a", 0));
  }
}
