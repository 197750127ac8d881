package dev.mtasts.postfix.internal;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MxPattern;
import dev.mtasts.postfix.SocketmapReply;
import dev.mtasts.postfix.SocketmapReply.Status;
import dev.mtasts.postfix.ZoneOptions;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.delivery.DomainDane;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns a resolution (and the domain's DANE state) into a {@code smtp_tls_policy_maps} answer.
 *
 * <p>An {@code enforce} policy becomes {@code secure match=P1:P2 servername=hostname}
 * (postconf(5) "TLS security levels", the form postfix-mta-sts-resolver and postfix-tlspol
 * answer): {@code secure} requires TLS with a certificate that chains to a trusted CA (RFC 8461
 * §4.2), {@code match=} lists the policy's MX patterns, and {@code servername=hostname} sends SNI
 * with the MX host name (RFC 8461 §4.2 requires SNI support). Each pattern is written in Postfix
 * syntax (PFX-2): {@code *.example.com} becomes {@code .example.com}.
 *
 * <p><b>Wildcards differ.</b> In a Postfix {@code match=} list, {@code .example.com} matches a
 * certificate name at <em>any</em> depth below {@code example.com} ({@code a.b.example.com}
 * too), while an RFC 8461 §4.1 wildcard {@code *.example.com} matches exactly one label; and
 * Postfix does not check the MX host names against the policy at all, only the certificate. So
 * with Postfix before 3.10, a policy is applied a little more loosely than RFC 8461 says (a
 * certificate for a deeper name, from a trusted CA, is accepted). Postfix 3.10 added
 * {@code smtp_tls_enforce_sts_mx_patterns} (default {@code yes}): with the
 * {@code mx_host_pattern} attributes that this class adds when the zone's {@code tlsrpt} option
 * is on, Postfix checks each MX host name against the policy's patterns with RFC 8461 rules and
 * matches the certificate against that host name, which is exactly RFC 8461 §4.1 (PFX-3).
 *
 * <p>The reply never exceeds Postfix's limit of 100,000 characters (socketmap_table(5)): when the
 * {@code policy_string} attributes would take it over, they are left out, and if it is still too
 * long, so are the other TLSRPT attributes (PFX-9).
 */
public final class Answers {
  /** The longest reply the Postfix socketmap client accepts (socketmap_table(5)). */
  public static final int MAX_REPLY_CHARS = 100_000;

  private Answers() {}

  /**
   * An answer with the names used for the metrics and the log.
   *
   * @param reply the socketmap reply
   * @param kind the kind of answer: {@code secure}, {@code dane-only}, {@code dane},
   *     {@code notfound}, {@code temp}, {@code timeout} or {@code perm}
   * @param reason why, in a word or two: {@code enforce}, {@code testing}, {@code no-policy}...
   */
  public record Answer(SocketmapReply reply, String kind, String reason) {
    /**
     * Validates the components.
     *
     * @param reply the {@code reply} component
     * @param kind the {@code kind} component
     * @param reason the {@code reason} component
     */
    public Answer {
      Objects.requireNonNull(reply, "reply");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Returns a {@code NOTFOUND} answer.
   *
   * @param reason why
   * @return the answer
   */
  public static Answer notFound(String reason) {
    return new Answer(SocketmapReply.NOT_FOUND, "notfound", reason);
  }

  /**
   * Returns an error answer.
   *
   * @param status {@code TEMP}, {@code TIMEOUT} or {@code PERM}
   * @param text the reason sent to Postfix, made safe here
   * @param reason the reason for the log and metrics
   * @return the answer
   */
  public static Answer error(Status status, String text, String reason) {
    return new Answer(SocketmapReply.of(status, printable(text, 200)), status.name().toLowerCase(java.util.Locale.ROOT),
        reason);
  }

  /**
   * Decides the answer.
   *
   * @param resolution the resolver's answer
   * @param dane the domain's DANE state, or {@code null} when DANE precedence is off
   * @param zone the zone's options
   * @return the answer
   */
  public static Answer answer(PolicyResolution resolution, @Nullable DomainDane dane, ZoneOptions zone) {
    if (dane == DomainDane.PRESENT) {
      // RFC 8461 §2: a sender that implements DANE uses it in preference to MTA-STS (PFX-6).
      String level = zone.daneAnswer().level();
      return new Answer(SocketmapReply.of(Status.OK, level), level, "dane");
    }
    // DANE absent or unknown: the MTA-STS answer, never weaker than without a DANE check (PFX-7).
    if (resolution instanceof PolicyResolution.Active active) {
      if (active.policy().mode() == MtaStsMode.ENFORCE || zone.strictTesting()) {
        return new Answer(SocketmapReply.of(Status.OK, secure(active, zone.tlsrpt())), "secure",
            active.policy().mode() == MtaStsMode.ENFORCE ? "enforce" : "testing-strict");
      }
      return notFound("testing");
    }
    if (resolution instanceof PolicyResolution.NoPolicy none) {
      switch (none.reason()) {
        case DNS_FAILURE:
        case FETCH_FAILED:
        case FETCH_BACKOFF:
          // Nothing usable cached and the lookup failed: the zone decides (PFX-5, CAC-5).
          String reason = none.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
          return zone.tempFailure() == ZoneOptions.TempFailureAnswer.TEMP
              ? error(Status.TEMP, "MTA-STS policy lookup failed: " + reason, reason)
              : notFound(reason);
        case MODE_NONE:
          return notFound("mode-none");
        default:
          return notFound("no-policy");
      }
    }
    PolicyResolution.Deferred deferred = (PolicyResolution.Deferred) resolution;
    String reason = deferred.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    return error(Status.TEMP, "MTA-STS policy unavailable: " + reason, reason);
  }

  /**
   * Returns an MX pattern in Postfix {@code match=} syntax.
   *
   * @param pattern the policy's pattern
   * @return {@code .example.com} for {@code *.example.com}, the name itself otherwise
   */
  public static String postfixPattern(MxPattern pattern) {
    return pattern.isWildcard() ? "." + pattern.domain() : pattern.domain();
  }

  private static String secure(PolicyResolution.Active active, boolean tlsrpt) {
    StringBuilder sb = new StringBuilder("secure match=");
    String sep = "";
    for (MxPattern p : active.policy().mx()) {
      sb.append(sep).append(postfixPattern(p));
      sep = ":";
    }
    sb.append(" servername=hostname");
    if (!tlsrpt) {
      return sb.toString();
    }
    // PFX-9: a reply over Postfix's limit would fail the lookup; shed what reports need least.
    String base = sb.toString();
    for (boolean withPolicyStrings : new boolean[] {true, false}) {
      String full = base + tlsrptAttributes(active, withPolicyStrings);
      if ("OK ".length() + full.length() <= MAX_REPLY_CHARS) {
        return full;
      }
    }
    return base;
  }

  /**
   * Returns the attributes that Postfix ≥ 3.10 hands to its TLSRPT library for an STS policy
   * (TLSRPT_README "MTA-STS Support via smtp_tls_policy_maps"; the names are those Postfix's
   * smtp_tls_policy.c parses and its smtp_tls_policy_test exercises: {@code policy_type=sts},
   * {@code policy_domain=}, {@code policy_ttl=} (the policy's {@code max_age}), one
   * {@code mx_host_pattern=} per pattern in RFC syntax, one {@code policy_string=} per line of the
   * policy as served, RFC 8460 §4.4).
   *
   * <p>A value with spaces is written in Postfix's brace form, {@code { policy_string = mode:
   * enforce }} (postconf(5): "{ name = value }", as postfix-tlspol writes it); Postfix strips the
   * braces and the spaces around {@code =}. A line that this form cannot carry (a brace, a control
   * or non-ASCII character, leading or trailing space) is left out rather than altered (PFX-8,
   * SEC-48).
   */
  private static String tlsrptAttributes(PolicyResolution.Active active, boolean withPolicyStrings) {
    StringBuilder sb = new StringBuilder(" policy_type=sts policy_domain=").append(active.domain().name())
        .append(" policy_ttl=").append(active.policy().maxAge().getSeconds());
    for (MxPattern p : active.policy().mx()) {
      sb.append(" mx_host_pattern=").append(p);
    }
    if (withPolicyStrings) {
      for (String line : active.policyStringLines()) {
        if (safeBraceValue(line)) {
          sb.append(" { policy_string = ").append(line).append(" }");
        }
      }
    }
    return sb.toString();
  }

  /**
   * Tells whether a value can go inside Postfix's {@code { name = value }} form unchanged.
   *
   * @param value the value
   * @return {@code true} if it is non-empty printable ASCII without braces and without leading or
   *     trailing space
   */
  static boolean safeBraceValue(String value) {
    if (value.isEmpty() || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '{' || c == '}') {
        return false;
      }
    }
    return true;
  }

  /** Keeps printable ASCII only (others become {@code ?}), at most {@code max} characters. */
  static String printable(String s, int max) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    return sb.toString();
  }
}
