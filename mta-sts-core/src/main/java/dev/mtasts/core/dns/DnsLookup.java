package dev.mtasts.core.dns;

import java.util.concurrent.CompletionStage;

/**
 * Asynchronous DNS lookups of the two record types MTA-STS needs.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Network conditions never surface as exceptions: a timeout, SERVFAIL, REFUSED, an
 *       unreachable server or a malformed answer completes the stage normally with
 *       {@link DnsOutcome.TemporaryFailure}. The stage completes exceptionally only for programming
 *       errors (such as a {@code null} name).
 *   <li>Names are absolute: {@code "_mta-sts.example.com"} is looked up as
 *       {@code "_mta-sts.example.com."}, never with a search list. A U-label name is converted to
 *       A-labels first.
 *   <li>CNAME chains are followed, with a bound (TXT-10); a loop or an over-long chain is a
 *       {@link DnsOutcome.TemporaryFailure}.
 *   <li>Every lookup completes within the implementation's deadline.
 *   <li>Implementations start no threads of their own beyond what they document, and complete
 *       stages on an executor they were configured with.
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 */
public interface DnsLookup {

  /**
   * Looks up the TXT records at {@code name}.
   *
   * <p>Each TXT RR becomes one string: its character-strings concatenated with no added spaces
   * (TXT-9), each byte mapped to the character of the same value, with no zone-file escaping.
   * Bytes above 0x7F are thus visible to the record parsers, which reject them (TXT-2).
   *
   * @param name the owner name, such as {@code _mta-sts.example.com}
   * @return the outcome; never completes exceptionally for network conditions
   */
  CompletionStage<DnsOutcome<String>> txt(String name);

  /**
   * Looks up the MX records at {@code name}.
   *
   * @param name the domain, such as {@code example.com}
   * @return the outcome, with records in the order received (sort by preference to use them)
   */
  CompletionStage<DnsOutcome<MxRecord>> mx(String name);
}
