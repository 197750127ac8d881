package dev.mtasts.tlsrpt.inbox;

/**
 * Checks the DKIM signature of a received report mail (RFC 8460 §3): the inbox calls it with the
 * whole message. An implementation must be bounded in time (its DNS lookups have deadlines) and
 * must not throw for a bad or hostile message: that is a {@link DkimResult.Status#FAIL}.
 */
@FunctionalInterface
public interface DkimVerifier {
  /**
   * Verifies the message's DKIM signatures.
   *
   * @param message the raw message, header and body, as received
   * @return the outcome
   */
  DkimResult verify(byte[] message);
}
