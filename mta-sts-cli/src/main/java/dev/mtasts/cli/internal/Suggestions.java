package dev.mtasts.cli.internal;

import dev.mtasts.core.internal.Text;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean" for a mistyped command or code: the known words within a small edit distance of
 * what was typed, or containing it. Bounded: the typed word is cut to 64 characters, so a hostile
 * argument cannot make the distance computation quadratic in a large input.
 */
public final class Suggestions {
  /** The most suggestions given: more is a list, not a hint. */
  static final int MAX_SUGGESTIONS = 3;
  private static final int MAX_WORD = 64;

  private Suggestions() {}

  /**
   * Returns the known words closest to {@code typed}, closest first, case-insensitively: those
   * within an edit distance of a third of their length (at least 2), and those that contain
   * {@code typed} (3 characters or more) or that {@code typed} contains.
   *
   * @param typed what the user typed
   * @param known the words that exist
   * @return at most {@value #MAX_SUGGESTIONS} words, possibly none
   */
  public static List<String> closest(String typed, Collection<String> known) {
    String t = typed.toUpperCase(Locale.ROOT);
    if (t.length() > MAX_WORD) {
      t = t.substring(0, MAX_WORD);
    }
    record Scored(String word, int distance) {}
    List<Scored> scored = new ArrayList<>();
    for (String word : known) {
      String w = word.toUpperCase(Locale.ROOT);
      int d = Text.editDistance(t, w);
      boolean contained = t.length() >= 3 && (w.contains(t) || t.contains(w));
      if (d <= Math.max(2, w.length() / 3) || contained) {
        scored.add(new Scored(word, contained ? Math.min(d, 1) : d));
      }
    }
    return scored.stream().sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::word))
        .limit(MAX_SUGGESTIONS).map(Scored::word).toList();
  }

}
