package dev.mtasts.core;

import java.util.List;
import java.util.Objects;

/**
 * A policy read with {@link MtaStsPolicy#parseLenient(byte[])}, with the deviations that were
 * tolerated.
 *
 * @param policy the policy
 * @param warnings every tolerated deviation and every other non-error note, in input order
 */
public record LenientPolicy(MtaStsPolicy policy, List<ParseProblem> warnings) {

  /**
   * Copies the warnings.
   *
   * @param policy the {@code policy} component
   * @param warnings the {@code warnings} component
   * @throws IllegalArgumentException if a warning is an error
   */
  public LenientPolicy {
    Objects.requireNonNull(policy, "policy");
    warnings = List.copyOf(warnings);
    for (ParseProblem w : warnings) {
      if (w.isError()) {
        throw new IllegalArgumentException("a lenient reading holds no errors: " + w);
      }
    }
  }
}
