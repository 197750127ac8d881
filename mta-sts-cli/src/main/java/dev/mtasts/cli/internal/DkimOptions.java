package dev.mtasts.cli.internal;

import dev.mtasts.tlsrpt.inbox.DkimVerifier;
import dev.mtasts.tlsrpt.inbox.DkimVerifierFactory;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The DKIM option of the commands that read received reports: mailed reports' signatures are
 * verified (RFC 8460 §3) unless {@code --no-dkim} is given. The verifier is found through the
 * {@link DkimVerifierFactory} service ({@code mta-sts-tlsrpt-dkim}, bundled in the shaded jar), so
 * this named module never requires that automatic module.
 */
public final class DkimOptions {
  @Option(names = "--no-dkim",
      description = "do not verify the DKIM signatures of mailed reports (default: verify, keys looked up "
          + "through --dns-server, each mail's lookups within --timeout, cached per selector and domain)")
  boolean off;

  /** Creates the options; picocli fills them. */
  public DkimOptions() {}

  /**
   * The verifier of this run: its keys come through the command's DNS, and one message's key
   * lookups share the command's {@code --timeout}.
   *
   * @return {@code null} with {@code --no-dkim}, or when no provider is found (said on {@code err})
   */
  @Nullable DkimVerifier verifier(DnsOptions dns, PrintWriter err) {
    if (off) {
      return null;
    }
    Optional<DkimVerifierFactory> factory;
    try {
      factory = ServiceLoader.load(DkimVerifierFactory.class).findFirst();
    } catch (ServiceConfigurationError e) {
      factory = Optional.empty();
    }
    if (factory.isEmpty()) {
      err.println("DKIM not checked: no DKIM verifier was found (the mta-sts-tlsrpt-dkim jar is missing); "
          + "signed mails count as not checked and --authenticated-only leaves them out");
      return null;
    }
    return factory.get().create(dns.dns(), dns.timeout());
  }
}
