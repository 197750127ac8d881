package dev.mtasts.core;

import java.util.List;

/**
 * Thrown when a policy body or a TXT record is invalid; lists every problem found.
 *
 * <p>This is an unchecked exception because invalid input is a normal outcome only for callers
 * that expect it; those can use the {@code lint} methods instead, which never throw for bad input.
 */
public final class MtaStsParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The problems, immutable; transient because {@link ParseProblem} is not serializable. */
  private final transient List<ParseProblem> problems;

  /**
   * Creates an exception for the given subject and problems.
   *
   * @param subject what was parsed, such as {@code "MTA-STS policy"}
   * @param problems every problem found; at least one must be an error
   * @throws IllegalArgumentException if {@code problems} holds no error
   */
  public MtaStsParseException(String subject, List<ParseProblem> problems) {
    super(render(subject, problems));
    this.problems = List.copyOf(problems);
  }

  private static String render(String subject, List<ParseProblem> problems) {
    long errors = problems.stream().filter(ParseProblem::isError).count();
    if (errors == 0) {
      throw new IllegalArgumentException("an MtaStsParseException needs at least one error");
    }
    StringBuilder sb = new StringBuilder("Invalid ").append(subject).append(" (")
        .append(errors).append(errors == 1 ? " error" : " errors").append("):");
    for (ParseProblem p : problems) {
      if (p.isError()) {
        sb.append("\n  ").append(p);
      }
    }
    return sb.toString();
  }

  /**
   * Returns every problem found, errors and warnings, in input order.
   *
   * @return an immutable list with at least one error
   */
  public List<ParseProblem> problems() {
    return problems == null ? List.of() : problems;
  }
}
