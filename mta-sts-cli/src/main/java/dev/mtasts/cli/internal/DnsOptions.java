package dev.mtasts.cli.internal;

import dev.mtasts.dns.DnsjavaLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The DNS options of every command that looks names up: the servers and the deadline. Commands
 * that also fetch policies or probe MX hosts take {@link NetworkOptions}, which includes these;
 * {@code reports} takes only these (DKIM keys are its only lookups).
 */
public final class DnsOptions {
  @Option(names = "--dns-server", paramLabel = "HOST:PORT",
      description = "ask this DNS server (repeatable; default: the system's resolvers)")
  List<String> dnsServers = new ArrayList<>();

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "deadline for each network step: a DNS lookup, an HTTPS fetch, an SMTP probe, the key lookups "
          + "of one mail (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  private @Nullable DnsjavaLookup lookup;

  /** Creates the options; picocli fills them. */
  public DnsOptions() {}

  Duration timeout() {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("--timeout must be positive");
    }
    return Duration.ofSeconds(timeoutSeconds);
  }

  /** The one lookup of the command: TXT, MX and, with --dns-server, every host address too. */
  DnsjavaLookup dns() {
    DnsjavaLookup existing = lookup;
    if (existing != null) {
      return existing;
    }
    DnsjavaLookup.Builder b = DnsjavaLookup.builder().deadline(timeout())
        .queryTimeout(timeout().compareTo(Duration.ofSeconds(2)) < 0 ? timeout() : Duration.ofSeconds(2));
    if (!dnsServers.isEmpty()) {
      b.servers(dnsServers.toArray(new String[0]));
    }
    DnsjavaLookup built = b.build();
    lookup = built;
    return built;
  }
}
