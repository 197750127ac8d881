package dev.mtasts.resolver;

import dev.mtasts.core.fetch.PolicyFetchOutcome;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a resolution was decided: the TXT outcome, the cache state, the fetch outcome and the
 * checklist rule that decided.
 *
 * @param txt the TXT lookup
 * @param cache the cache state before the decision
 * @param fetch the fetch made for this resolution, or {@code null} when none was made
 * @param rule the ID of the checklist rule that decided, such as {@code "CAC-6"}
 * @param explanation one sentence for logs and the CLI
 */
public record ResolutionTrace(
    TxtCheck txt, CacheState cache, @Nullable PolicyFetchOutcome fetch, String rule, String explanation) {

  /**
   * Validates the components.
   *
   * @param txt the {@code txt} component
   * @param cache the {@code cache} component
   * @param fetch the {@code fetch} component
   * @param rule the {@code rule} component
   * @param explanation the {@code explanation} component
   */
  public ResolutionTrace {
    Objects.requireNonNull(txt, "txt");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(explanation, "explanation");
  }
}
