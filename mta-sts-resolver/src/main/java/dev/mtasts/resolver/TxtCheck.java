package dev.mtasts.resolver;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The TXT part of a resolution's trace.
 *
 * @param status what the lookup found
 * @param id the policy id of the record found, when {@code status} is {@link TxtStatus#FOUND}
 * @param detail a human-readable account, such as the DNS failure or the record's problems
 */
public record TxtCheck(TxtStatus status, @Nullable String id, String detail) {

  /** A check that did not happen because the last one was recent enough. */
  public static final TxtCheck NOT_CHECKED = new TxtCheck(TxtStatus.NOT_CHECKED, null, "not looked up");

  /**
   * Validates the components.
   *
   * @param status the {@code status} component
   * @param id the {@code id} component
   * @param detail the {@code detail} component
   * @throws IllegalArgumentException if {@code id} is present exactly when the status is not FOUND
   */
  public TxtCheck {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    if ((status == TxtStatus.FOUND) != (id != null)) {
      throw new IllegalArgumentException("an id goes with status FOUND and only with it");
    }
  }
}
