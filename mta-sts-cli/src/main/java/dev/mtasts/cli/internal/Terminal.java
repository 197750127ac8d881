package dev.mtasts.cli.internal;

import dev.mtasts.core.SafeText;
import dev.mtasts.core.Severity;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Human output, the only way a command writes to the terminal (SEC-12): colour only when writing to
 * a terminal, never when {@code NO_COLOR} is set or the output is piped.
 *
 * <p>Every part a command passes in is escaped with {@link SafeText#escape(CharSequence)} here, so
 * a TXT value, a header value, an EHLO reply or a message quoting one cannot set a window title,
 * clear the screen or forge a line, and a future command cannot forget to escape: it never sees
 * the writer. The only escape sequences that reach the terminal are the colours this class adds
 * around a {@link Styled} part, after escaping its text. JSON output does not come through here:
 * its encoder escapes control characters itself.
 */
public final class Terminal {
  private static final String RESET = "\u001b[0m";

  private final PrintWriter out;
  private final boolean colour;

  /**
   * A part of a line the CLI colours itself. Its text is escaped like any other part.
   * {@link #toString()} is the bare text: a styled part concatenated into a string by mistake
   * loses its colour, never its escaping.
   *
   * @param text the text
   * @param sgr the SGR sequence that starts the colour
   */
  record Styled(String text, String sgr) {
    @Override
    public String toString() {
      return text;
    }
  }

  Terminal(PrintWriter out, boolean noColour) {
    this.out = out;
    String term = System.getenv("TERM");
    this.colour = !noColour && System.console() != null && System.getenv("NO_COLOR") == null
        && term != null && !term.equals("dumb");
  }

  /** Prints a blank line, then the parts in bold. */
  void heading(Object... parts) {
    out.println();
    String text = render(parts);
    out.println(colour ? "\u001b[1m" + text + RESET : text);
  }

  /** Prints the parts indented by two spaces. */
  void line(Object... parts) {
    out.println("  " + render(parts));
  }

  /** Prints the parts. */
  void plain(Object... parts) {
    out.println(render(parts));
  }

  Styled ok(String text) {
    return new Styled(text, "\u001b[32m");
  }

  Styled severity(Severity s) {
    String label = String.format("%-7s", s.token().toUpperCase(Locale.ROOT));
    return new Styled(label, switch (s) {
      case ERROR -> "\u001b[31m";
      case WARNING -> "\u001b[33m";
      case INFO -> "\u001b[36m";
    });
  }

  private String render(Object... parts) {
    StringBuilder sb = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof Styled s) {
        String text = SafeText.escape(s.text());
        sb.append(colour ? s.sgr() + text + RESET : text);
      } else {
        sb.append(SafeText.escape(String.valueOf(part)));
      }
    }
    return sb.toString();
  }
}
