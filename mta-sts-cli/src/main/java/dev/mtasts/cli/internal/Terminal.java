package dev.mtasts.cli.internal;

import dev.mtasts.core.Severity;
import java.io.PrintWriter;

/**
 * Human output: colour only when writing to a terminal, never when {@code NO_COLOR} is set or the
 * output is piped.
 */
public final class Terminal {
  private final PrintWriter out;
  private final boolean colour;

  Terminal(PrintWriter out, boolean noColour) {
    this.out = out;
    String term = System.getenv("TERM");
    this.colour = !noColour && System.console() != null && System.getenv("NO_COLOR") == null
        && term != null && !term.equals("dumb");
  }

  void heading(String text) {
    out.println();
    out.println(colour ? "\u001b[1m" + text + "\u001b[0m" : text);
  }

  void line(String text) {
    out.println("  " + text);
  }

  void plain(String text) {
    out.println(text);
  }

  String ok(String text) {
    return colour ? "\u001b[32m" + text + "\u001b[0m" : text;
  }

  String severity(Severity s) {
    String label = String.format("%-7s", s.token().toUpperCase(java.util.Locale.ROOT));
    if (!colour) {
      return label;
    }
    return switch (s) {
      case ERROR -> "\u001b[31m" + label + "\u001b[0m";
      case WARNING -> "\u001b[33m" + label + "\u001b[0m";
      case INFO -> "\u001b[36m" + label + "\u001b[0m";
    };
  }

  PrintWriter writer() {
    return out;
  }
}
