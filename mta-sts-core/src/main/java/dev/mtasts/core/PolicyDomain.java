package dev.mtasts.core;

import dev.mtasts.core.internal.DomainNames;
import dev.mtasts.core.internal.Text;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A Policy Domain: the domain whose MTA-STS policy and TLS-RPT record apply to a delivery, in
 * lower-case A-label form, with the DNS names and the URL derived from it (TXT-1, FET-1).
 *
 * <p>Immutable; {@link #toString()} round-trips through {@link #of(String)}.
 *
 * <pre>{@code
 * PolicyDomain d = PolicyDomain.of("Bücher.example");
 * d.name();            // "xn--bcher-kva.example"
 * d.stsRecordName();   // "_mta-sts.xn--bcher-kva.example"
 * d.policyUri();       // https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3">RFC 8461 §3</a>
 */
public final class PolicyDomain {
  private final String name;

  private PolicyDomain(String name) {
    this.name = name;
  }

  /**
   * Creates a Policy Domain from a domain name with A-labels or U-labels; a single trailing root
   * dot is removed and letters are lower-cased. A name is never mapped to a different domain
   * (SEC-31): a U-label with a character that IDNA 2003 and 2008 convert differently ({@code ß},
   * {@code ς}, ZWJ, ZWNJ) is refused with the A-label to give instead, and an A-label such as
   * {@code xn--fa-hia.example} is kept as it is once its Punycode round-trips.
   *
   * @param domain the domain, such as {@code example.com}
   * @return the Policy Domain
   * @throws IllegalArgumentException if {@code domain} is an address literal or an IP address
   *     (TXT-15: such destinations have no policy), or not a valid host name; also when the
   *     derived names would exceed the DNS limit of 253 characters; also for a deviation character
   *     in a U-label or an A-label that does not round-trip
   */
  public static PolicyDomain of(String domain) {
    Objects.requireNonNull(domain, "domain");
    String d = domain.strip();
    if (d.startsWith("[") || d.indexOf(':') >= 0) {
      throw new IllegalArgumentException(Text.quote(domain)
          + " is an address literal; address literals have no MTA-STS policy (TXT-15)");
    }
    String ascii = DomainNames.toAsciiHostName(d);
    if (DomainNames.looksLikeIpv4(ascii, 0, ascii.length())) {
      throw new IllegalArgumentException(Text.quote(domain)
          + " is an IP address; IP addresses have no MTA-STS policy (TXT-15)");
    }
    if (ascii.length() + "_smtp._tls.".length() > DomainNames.MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(Text.quote(domain)
          + " is too long for its _smtp._tls and _mta-sts names to fit in 253 characters");
    }
    return new PolicyDomain(ascii);
  }

  /**
   * Returns the Policy Domain of a recipient address: the part after the last {@code @}
   * (TXT-14: the exact domain, never a parent).
   *
   * @param address an RFC 5321 address such as {@code user@example.com}
   * @return the domain, or empty for an address literal such as {@code user@[192.0.2.1]} (TXT-15)
   * @throws IllegalArgumentException if there is no {@code @} or the domain is invalid
   */
  public static Optional<PolicyDomain> ofRecipient(String address) {
    Objects.requireNonNull(address, "address");
    int at = address.lastIndexOf('@');
    if (at < 0 || at == address.length() - 1) {
      throw new IllegalArgumentException(Text.quote(address) + " has no domain part");
    }
    String domain = address.substring(at + 1);
    if (domain.startsWith("[")) {
      return Optional.empty();
    }
    return Optional.of(of(domain));
  }

  /**
   * Returns the domain name.
   *
   * @return the lower-case A-label name without a trailing dot
   */
  public String name() {
    return name;
  }

  /**
   * Returns the name of the policy TXT record (TXT-1).
   *
   * @return {@code _mta-sts.<domain>}
   */
  public String stsRecordName() {
    return "_mta-sts." + name;
  }

  /**
   * Returns the name of the TLS-RPT TXT record (RPT-1).
   *
   * @return {@code _smtp._tls.<domain>}
   */
  public String tlsRptRecordName() {
    return "_smtp._tls." + name;
  }

  /**
   * Returns the Policy Host, whose certificate must be valid for this very name (FET-2).
   *
   * @return {@code mta-sts.<domain>}
   */
  public String policyHost() {
    return "mta-sts." + name;
  }

  /**
   * Returns the URL the policy is fetched from (FET-1).
   *
   * @return {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
   */
  public URI policyUri() {
    return URI.create("https://" + policyHost() + "/.well-known/mta-sts.txt");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyDomain other && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /**
   * Returns the domain name; {@code PolicyDomain.of(d.toString()).equals(d)}.
   *
   * @return {@link #name()}
   */
  @Override
  public String toString() {
    return name;
  }
}
