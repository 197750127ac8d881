package dev.mtasts.owner.monitor;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.Severity;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One alert about one domain: what changed, how much it matters, and the fix. Its JSON form is
 * {@link AlertJson}, documented in {@code docs/alerts.md}.
 *
 * <p>Every text that may quote the network (TXT values, certificate names, probe replies) is
 * escaped here with {@link SafeText#escape(CharSequence)}, once, so that no sink can be made to
 * print a control sequence (SEC-12).
 *
 * @param code the stable code
 * @param status firing, reminder, resolved or notice
 * @param severity how much it matters here (may differ from {@link AlertCode#defaultSeverity()})
 * @param domain the Policy Domain
 * @param subject what is concerned within the domain: an MX host, an {@code mx} pattern, a record
 *     name or the policy host; stored escaped
 * @param before the state before the transition, or {@code null} when there was nothing to say
 *     (a condition that just appeared); stored escaped
 * @param after the state after it, or {@code null} when the condition cleared; stored escaped
 * @param fix the one-line fix for this domain and subject; stored escaped
 * @param at when the monitor saw the transition
 * @param since when the condition was first seen (equal to {@code at} for a new condition or a
 *     notice)
 */
public record Alert(AlertCode code, AlertStatus status, Severity severity, PolicyDomain domain, String subject,
    @Nullable String before, @Nullable String after, String fix, Instant at, Instant since) {

  /**
   * Validates and escapes the components.
   *
   * @param code the {@code code} component
   * @param status the {@code status} component
   * @param severity the {@code severity} component
   * @param domain the {@code domain} component
   * @param subject the {@code subject} component
   * @param before the {@code before} component
   * @param after the {@code after} component
   * @param fix the {@code fix} component
   * @param at the {@code at} component
   * @param since the {@code since} component
   */
  public Alert {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(domain, "domain");
    subject = SafeText.escape(Objects.requireNonNull(subject, "subject"));
    before = before == null ? null : SafeText.escape(before);
    after = after == null ? null : SafeText.escape(after);
    fix = SafeText.escape(Objects.requireNonNull(fix, "fix"));
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(since, "since");
  }

  /**
   * Returns a one-line summary for a log line or a mail subject: severity, status, code, domain,
   * subject and the change.
   *
   * @return for example {@code "error firing MX_CERT_EXPIRED example.com mx1.example.com: ... -> ..."}
   */
  public String summary() {
    StringBuilder s = new StringBuilder(128).append(severity.token()).append(' ').append(status.token()).append(' ')
        .append(code).append(' ').append(domain.name());
    if (!subject.isEmpty()) {
      s.append(' ').append(subject);
    }
    s.append(": ").append(before == null ? "(none)" : before).append(" -> ").append(after == null ? "(cleared)" : after);
    return s.toString();
  }
}
