package dev.mtasts.core.internal;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Small text helpers for messages and ASCII checks.
 */
public final class Text {
  private static final int MAX_QUOTED = 60;

  private Text() {}

  /** Tells whether every character is below U+0080. */
  public static boolean isAscii(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** ASCII-only lower-casing; other characters are kept. */
  public static char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  /** Lower-cases ASCII letters only, returning {@code s} itself when it has none. */
  public static String lowerAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < n; j++) {
          chars[j] = lowerAscii(chars[j]);
        }
        return new String(chars);
      }
    }
    return s;
  }

  /**
   * Quotes a value for a message: control characters escaped, long values shortened, so that a
   * hostile input can never make a message huge or unprintable.
   */
  public static String quote(CharSequence s) {
    // One escape style for the whole project: the one terminals and logs get (SEC-12).
    return "'" + Escapes.escape(s, MAX_QUOTED) + "'";
  }


  /**
   * What a failure says, for a message: its own message (a completion or execution wrapper's
   * cause's), escaped for a terminal or a log (text from the network often ends up in exception
   * messages), or a plain "no detail given" when it has none, never a Java class name.
   *
   * @param failure the failure
   * @return a message fragment
   */
  public static String message(Throwable failure) {
    // A stage's wrapper says "java.lang.Exception: ..." of its cause: say the cause's own words.
    Throwable t = failure;
    for (int i = 0; i < 8 && (t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null; i++) {
      t = t.getCause();
    }
    String m = t instanceof FileSystemException f ? fileMessage(f) : t.getMessage();
    return m == null || m.isBlank() ? "no detail given" : Escapes.escape(m, 500);
  }

  /**
   * The file system's exceptions often say only the file's name ({@code NoSuchFileException}'s
   * message is the path): say what happened to it, in words.
   */
  private static @Nullable String fileMessage(FileSystemException f) {
    String what = f instanceof NoSuchFileException ? "no such file or directory"
        : f instanceof AccessDeniedException ? "permission denied"
        : f instanceof FileAlreadyExistsException ? "already exists"
        : f instanceof NotDirectoryException ? "not a directory"
        : f instanceof DirectoryNotEmptyException ? "directory not empty"
        : f.getReason();
    String file = f.getFile();
    if (what == null) {
      return f.getMessage();
    }
    return file == null ? what : what + ": " + file;
  }

  /** Names a single character for a message, such as {@code 'x'} or {@code U+0009 (tab)}. */
  public static String describe(char c) {
    if (c == '\t') {
      return "U+0009 (tab)";
    }
    if (c == '\r') {
      return "U+000D (carriage return)";
    }
    if (c == ' ') {
      return "' ' (space)";
    }
    if (c < 0x20 || c == 0x7f || c >= 0x80) {
      return String.format("U+%04X", (int) c);
    }
    return "'" + c + "'";
  }

  /**
   * The Levenshtein distance of two strings (insertions, deletions and substitutions of one
   * {@code char}), for "did you mean" suggestions. Costs {@code a.length() * b.length()} steps:
   * callers bound what they pass.
   *
   * @param a one string
   * @param b the other
   * @return the distance
   */
  public static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()];
  }
}
