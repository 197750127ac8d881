package dev.mtasts.dns.internal;

import org.jspecify.annotations.Nullable;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;

/**
 * Reads the extended DNS errors (RFC 8914) that say an answer failed DNSSEC validation, so that a
 * bogus answer is told apart from any other SERVFAIL.
 */
public final class DnssecErrors {
  /** RFC 8914 §4.7: DNSSEC Bogus; 7 to 12 are its more precise forms (expired, missing, ...). */
  static final int FIRST_BOGUS_CODE = ExtendedErrorCodeOption.DNSSEC_BOGUS;
  /** RFC 8914 §4.13: NSEC Missing, the last of the "bogus" codes. */
  static final int LAST_BOGUS_CODE = ExtendedErrorCodeOption.NSEC_MISSING;
  /** Longest extra text kept from an extended error; the rest is cut. */
  static final int MAX_TEXT = 200;

  private DnssecErrors() {}

  /**
   * Returns the wording of the first extended DNS error of {@code answer} with a code from 6
   * (DNSSEC Bogus) to 12 (NSEC Missing), or {@code null} when there is none.
   *
   * @param answer a response
   * @return for example {@code "EDE 6 (DNSSEC Bogus): ..."}, cut to a bounded length, or null
   */
  public static @Nullable String bogusReason(Message answer) {
    OPTRecord opt = answer.getOPT();
    if (opt == null) {
      return null;
    }
    for (EDNSOption option : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
      if (option instanceof ExtendedErrorCodeOption ede
          && ede.getErrorCode() >= FIRST_BOGUS_CODE && ede.getErrorCode() <= LAST_BOGUS_CODE) {
        String text = ede.getText() == null ? "" : ": " + ede.getText();
        if (text.length() > MAX_TEXT) {
          text = text.substring(0, MAX_TEXT) + "...";
        }
        return "EDE " + ede.getErrorCode() + " (" + ExtendedErrorCodeOption.text(ede.getErrorCode())
            + ")" + text;
      }
    }
    return null;
  }
}
