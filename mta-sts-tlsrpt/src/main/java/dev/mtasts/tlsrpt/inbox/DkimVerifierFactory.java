package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.dns.DnsLookup;
import java.time.Duration;

/**
 * Makes a {@link DkimVerifier} (RFC 8460 §3) that fetches keys through the given DNS: the
 * {@link java.util.ServiceLoader} service by which an application finds a verifier without
 * depending on its implementation at compile time. {@code mta-sts-tlsrpt-dkim} provides one
 * (Apache James jDKIM) in {@code META-INF/services}, which the class path and the module path (as
 * an automatic module) both honour; a named module that loads it declares
 * {@code uses dev.mtasts.tlsrpt.inbox.DkimVerifierFactory} (and, for jDKIM's mime4j, the
 * application adds {@code --add-modules org.apache.commons.io}).
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface DkimVerifierFactory {
  /**
   * Creates a verifier.
   *
   * @param dns the DNS through which keys ({@code selector._domainkey.domain} TXT, RFC 6376 §3.6.2)
   *     are fetched
   * @param timeout the deadline of one message's check, all its key lookups included; positive
   * @return the verifier, which blocks its caller for at most about {@code timeout} per message
   * @throws IllegalArgumentException if the timeout is not positive
   */
  DkimVerifier create(DnsLookup dns, Duration timeout);
}
