package dev.mtasts.tlsrpt.dkim;

import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.tlsrpt.inbox.DkimVerifier;
import dev.mtasts.tlsrpt.inbox.DkimVerifierFactory;
import java.time.Duration;

/**
 * The {@link DkimVerifierFactory} service of this module (registered in
 * {@code META-INF/services}): makes {@link JdkimVerifier}s (RFC 8460 §3), so an application finds
 * the jDKIM verifier through {@link java.util.ServiceLoader} without naming this automatic module.
 */
public final class JdkimVerifierFactory implements DkimVerifierFactory {
  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public JdkimVerifierFactory() {}

  /**
   * Creates a {@link JdkimVerifier}, with its key cache.
   *
   * @param dns the DNS through which keys are fetched
   * @param timeout the deadline of one message's key lookups, positive
   * @return {@link JdkimVerifier#create(DnsLookup, Duration)}
   */
  @Override
  public DkimVerifier create(DnsLookup dns, Duration timeout) {
    return JdkimVerifier.create(dns, timeout);
  }
}
