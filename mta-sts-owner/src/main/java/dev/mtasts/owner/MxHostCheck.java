package dev.mtasts.owner;

import dev.mtasts.core.dns.MxRecord;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One MX host as the checker saw it.
 *
 * @param mx the MX record
 * @param coveredByPolicy whether an {@code mx} pattern of the policy matches it ({@code true}
 *     when there is no policy)
 * @param probe what the SMTP probe found, or {@code null} when probing was off
 */
public record MxHostCheck(MxRecord mx, boolean coveredByPolicy, @Nullable SmtpProbeResult probe) {
  /**
   * Validates the components.
   *
   * @param mx the {@code mx} component
   * @param coveredByPolicy the {@code coveredByPolicy} component
   * @param probe the {@code probe} component
   */
  public MxHostCheck {
    Objects.requireNonNull(mx, "mx");
  }
}
