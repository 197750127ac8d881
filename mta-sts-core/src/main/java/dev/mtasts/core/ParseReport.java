package dev.mtasts.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code lint} method found: the parsed value when the input is valid, and every problem.
 *
 * @param <T> the parsed type
 * @param value the parsed value, or {@code null} when the input has errors
 * @param problems every problem, in input order; may hold warnings even when {@code value} is set
 */
public record ParseReport<T>(@Nullable T value, List<ParseProblem> problems) {

  /**
   * Copies the problem list and checks that {@code value} is present exactly when there is no
   * error.
   *
   * @param value the {@code value} component
   * @param problems the {@code problems} component
   * @throws IllegalArgumentException if {@code value} and the problems disagree
   */
  public ParseReport {
    problems = List.copyOf(problems);
    boolean hasError = false;
    for (ParseProblem p : problems) {
      hasError |= p.isError();
    }
    if (hasError == (value != null)) {
      throw new IllegalArgumentException(
          "a report has a value exactly when it has no error: value=" + value + ", errors=" + hasError);
    }
  }

  /**
   * Tells whether the input was accepted.
   *
   * @return {@code true} when there is no error
   */
  public boolean isValid() {
    return value != null;
  }

  /**
   * Returns the parsed value or throws the exception a {@code parse} method would throw.
   *
   * @param subject what was parsed, used in the exception message
   * @return the parsed value
   * @throws MtaStsParseException if the input has errors
   */
  public T orElseThrow(String subject) {
    T v = value;
    if (v == null) {
      throw new MtaStsParseException(subject, problems);
    }
    return v;
  }

  /**
   * Returns the problems that are not errors.
   *
   * @return the warnings and informational notes
   */
  public List<ParseProblem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }

  /**
   * Returns only the errors.
   *
   * @return the problems of severity {@link Severity#ERROR}
   */
  public List<ParseProblem> errors() {
    return problems.stream().filter(ParseProblem::isError).toList();
  }
}
