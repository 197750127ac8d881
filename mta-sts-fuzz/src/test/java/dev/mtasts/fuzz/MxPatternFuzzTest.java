package dev.mtasts.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mtasts.core.MxPattern;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MxPattern#of(String)} and {@link MxPattern#matches(String)}. The input is a pattern and
 * a host separated by the first NUL, both read as UTF-8.
 */
class MxPatternFuzzTest {

  @FuzzTest
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"\\x00", "*.", ".", "example.com", "mail.", "xn--", "-", "_", "[", ":", "1.2.3.4",
      "\\xc3\\xbc", "\\xe3\\x80\\x82", "A", "*"})
  void patternAndHost(byte[] data) {
    String input = new String(data, StandardCharsets.UTF_8);
    int nul = input.indexOf('\0');
    String pattern = nul < 0 ? input : input.substring(0, nul);
    String host = nul < 0 ? pattern : input.substring(nul + 1);
    check(pattern, host);
  }

  static void check(String pattern, String host) {
    MxPattern p;
    try {
      p = MxPattern.of(pattern);
    } catch (IllegalArgumentException e) {
      // The documented exception; nothing else may escape.
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    String s = p.toString();
    assertThat(MxPattern.of(s)).as("of(toString()) of %s", s).isEqualTo(p);
    assertThat(s).as("normalized form").matches("(\\*\\.)?[a-z0-9_.-]+");
    assertThat(p.isWildcard()).isEqualTo(s.startsWith("*."));
    boolean matched = p.matches(host);
    if (isAscii(host)) {
      assertThat(matched).as("%s matches %s", s, host).isEqualTo(reference(s, host));
    }
    // The pattern's own domain is a host it matches literally, or one label short for a wildcard.
    assertThat(p.matches(p.isWildcard() ? "mx." + p.domain() : p.domain())).isTrue();
    assertThat(p.matches(p.domain() + ".")).isEqualTo(!p.isWildcard());
  }

  /**
   * RFC 8461 §4.1 for ASCII hosts, independently of the core: ASCII case-insensitive, one trailing
   * root dot stripped from the host, and {@code *.d} covers exactly one non-empty left-most label
   * in front of {@code d}.
   */
  static boolean reference(String pattern, String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    h = asciiLower(h);
    if (!pattern.startsWith("*.")) {
      return h.equals(pattern);
    }
    String suffix = pattern.substring(1); // ".example.com"
    if (!h.endsWith(suffix)) {
      return false;
    }
    String label = h.substring(0, h.length() - suffix.length());
    return !label.isEmpty() && label.indexOf('.') < 0;
  }

  private static String asciiLower(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return sb.toString();
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }
}
