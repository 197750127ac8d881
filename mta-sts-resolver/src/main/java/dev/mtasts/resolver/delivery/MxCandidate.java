package dev.mtasts.resolver.delivery;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.tls.TlsFailure;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One MX host of a delivery plan, with what a delivery attempt to it must demand.
 *
 * @param domain the Policy Domain the plan is for
 * @param mx the MX record
 * @param requirement what TLS to demand, or {@link TlsRequirement#NOT_ALLOWED}
 * @param policyMatch whether an {@code mx} pattern of the policy matches the host (MXM-1); always
 *     {@code true} when no policy applies
 * @param refusal why the host may not be used, for TLS-RPT; {@code null} unless the requirement
 *     is {@link TlsRequirement#NOT_ALLOWED} or the host fails the policy in mode {@code testing}.
 *     In mode {@code testing} such a host is still tried (APP-2), and every session to it is one
 *     TLS-RPT result: this refusal ({@code validation-failure}, RFC 8460 §4.3), never a success,
 *     whatever the handshake gave (the TLS-RPT module's {@code SessionReporter} records it so,
 *     once per connection; RPT-32)
 */
public record MxCandidate(PolicyDomain domain, MxRecord mx, TlsRequirement requirement, boolean policyMatch,
    @Nullable TlsFailure refusal) {

  /**
   * Validates the components.
   *
   * @param domain the {@code domain} component
   * @param mx the {@code mx} component
   * @param requirement the {@code requirement} component
   * @param policyMatch the {@code policyMatch} component
   * @param refusal the {@code refusal} component
   */
  public MxCandidate {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(mx, "mx");
    Objects.requireNonNull(requirement, "requirement");
  }

  /**
   * Returns the host to connect to and to check the certificate against (MXM-2, MXM-10).
   *
   * @return the MX target host name
   */
  public String host() {
    return mx.host();
  }

  /**
   * Tells whether a delivery attempt may be made; a host that may not is skipped like an
   * unreachable one, never bounced (APP-5).
   *
   * @return {@code false} for {@link TlsRequirement#NOT_ALLOWED}
   */
  public boolean mayAttempt() {
    return requirement != TlsRequirement.NOT_ALLOWED;
  }

  /**
   * Tells whether the attempt must fail when STARTTLS or the certificate check fails (APP-1).
   *
   * @return {@code true} for {@link TlsRequirement#STS_ENFORCE}
   */
  public boolean failuresAreFatal() {
    return requirement == TlsRequirement.STS_ENFORCE;
  }

  /**
   * Tells whether MTA-STS certificate checks apply: modes {@code enforce} and {@code testing}.
   *
   * @return {@code true} for {@link TlsRequirement#STS_ENFORCE} and {@link TlsRequirement#STS_TESTING}
   */
  public boolean stsChecksApply() {
    return requirement == TlsRequirement.STS_ENFORCE || requirement == TlsRequirement.STS_TESTING;
  }
}
