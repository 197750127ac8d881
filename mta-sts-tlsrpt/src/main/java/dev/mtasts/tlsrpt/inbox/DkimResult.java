package dev.mtasts.tlsrpt.inbox;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of checking a report mail's DKIM signature (RFC 8460 §3, RFC 6376).
 *
 * @param status pass, fail, none or not checked
 * @param domain the signing domain ({@code d=}) of the signature that passed or was tried, if any
 * @param detail what was found, for a person (quotes the mail: escape before printing)
 */
public record DkimResult(Status status, @Nullable String domain, String detail) {
  /** What the check found. */
  public enum Status {
    /** A signature verified, its key allows TLS-RPT (RFC 8460 §3) and it has no {@code l=}. */
    PASS,
    /** Signatures are present but none verified, or the key or signature breaks RFC 8460 §3. */
    FAIL,
    /** The mail carries no DKIM signature. */
    NONE,
    /** No verifier was configured, or the report arrived over HTTPS (no signature applies). */
    NOT_CHECKED
  }

  /** The result for reports that were not checked. */
  public static final DkimResult NOT_CHECKED = new DkimResult(Status.NOT_CHECKED, null, "not checked");

  /**
   * Validates the components.
   *
   * @param status the {@code status} component
   * @param domain the {@code domain} component
   * @param detail the {@code detail} component
   */
  public DkimResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Tells whether the signature passed.
   *
   * @return {@code true} for {@link Status#PASS}
   */
  public boolean passed() {
    return status == Status.PASS;
  }
}
