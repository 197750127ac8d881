package dev.mtasts.owner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One-paragraph explanations of every {@link FindingCode} and every parser
 * {@link dev.mtasts.core.ProblemCode}, the text of {@code mta-sts explain CODE} and of
 * {@code --explain}. Both share one namespace: a parser code and a finding code of the same name
 * (such as {@code POLICY_TOO_LARGE}) mean the same thing and have one explanation.
 *
 * <p>The text is the resource {@code explanations.md} beside this class; {@code docs/findings.md}
 * ends with the same text under "Explanations", and a test keeps the two equal, so the CLI and the
 * documentation cannot drift apart. Each entry is a heading {@code ### `CODE`} and one paragraph.
 */
public final class Explanations {
  /** The resource, read once: about 25 KiB of the project's own text. */
  static final String RESOURCE = "explanations.md";

  private static final Map<String, String> BY_CODE = load();

  private Explanations() {}

  /**
   * Returns the explanation of a code.
   *
   * @param code a {@link FindingCode} or {@link dev.mtasts.core.ProblemCode} name, exact case
   * @return the paragraph, or empty for an unknown code
   */
  public static Optional<String> of(String code) {
    return Optional.ofNullable(BY_CODE.get(Objects.requireNonNull(code, "code")));
  }

  /**
   * Returns every code that has an explanation, in the order of {@code docs/findings.md}.
   *
   * @return the codes, unmodifiable
   */
  public static java.util.Set<String> codes() {
    return BY_CODE.keySet();
  }

  /**
   * Returns the resource text exactly, for the test that compares it with the documentation.
   *
   * @return the text of {@code explanations.md}
   */
  static String text() {
    try (InputStream in = Explanations.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code ### `CODE`} headings, each followed by one paragraph (lines joined by spaces). */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String code = null;
    StringBuilder paragraph = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("### `") && line.endsWith("`")) {
        put(out, code, paragraph);
        code = line.substring(5, line.length() - 1);
        paragraph.setLength(0);
      } else if (!line.isBlank()) {
        paragraph.append(paragraph.length() == 0 ? "" : " ").append(line.strip());
      }
    }
    put(out, code, paragraph);
    return Collections.unmodifiableMap(out);
  }

  private static void put(Map<String, String> out, @org.jspecify.annotations.Nullable String code,
      StringBuilder paragraph) {
    if (code == null) {
      return;
    }
    if (paragraph.length() == 0 || out.putIfAbsent(code, paragraph.toString()) != null) {
      throw new IllegalStateException(RESOURCE + ": " + code + " is empty or repeated");
    }
  }

  private static Map<String, String> load() {
    return parse(text());
  }
}
