package dev.mtasts.owner;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.core.internal.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Generates what a domain owner publishes: the policy file, the {@code _mta-sts} and
 * {@code _smtp._tls} records, zone-file lines, the URL to serve the file at, an ordered publishing
 * checklist, and advice.
 *
 * <pre>{@code
 * GeneratedPolicy g = PolicyGenerator.builder()
 *     .domain("example.com")
 *     .mode(MtaStsMode.TESTING)
 *     .addMx("mx1.example.com")
 *     .maxAge(Duration.ofDays(7))
 *     .addRua("mailto:tlsrpt@example.com")
 *     .build()
 *     .generate();
 * g.policyText();   // serve at g.policyUrl()
 * g.zoneLines();    // add to the zone
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3">RFC 8461 §3</a>
 */
public final class PolicyGenerator {
  /** One week: the shortest {@code max_age} advised once enforcing (POL-9). */
  public static final Duration ONE_WEEK = Duration.ofDays(7);

  private final PolicyDomain domain;
  private final MtaStsPolicy policy;
  private final List<URI> rua;
  private final PolicyIdStrategy idStrategy;
  private final InstantSource clock;
  private final long ttlSeconds;

  private PolicyGenerator(Builder b) {
    // build() checked both before calling this constructor.
    this.domain = java.util.Objects.requireNonNull(b.domain, "domain");
    this.policy = java.util.Objects.requireNonNull(b.policy, "policy");
    this.rua = List.copyOf(b.rua);
    this.idStrategy = b.idStrategy;
    this.clock = b.clock;
    this.ttlSeconds = b.ttl.getSeconds();
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Generates the records, the checklist and the advice.
   *
   * @return everything to publish
   */
  public GeneratedPolicy generate() {
    String id = idStrategy == PolicyIdStrategy.CONTENT ? PolicyIds.contentId(policy)
        : PolicyIds.timestampId(clock.instant());
    MtaStsRecord sts = MtaStsRecord.of(id);
    TlsRptRecord tlsrpt = rua.isEmpty() ? null : TlsRptRecord.of(rua);
    List<String> zone = new ArrayList<>();
    zone.add("; MTA-STS for " + domain + " (RFC 8461). Serve " + domain.policyUri() + " first, then publish:");
    zone.add(ZoneText.txtLine(domain.stsRecordName(), ttlSeconds, sts.toText()));
    if (tlsrpt != null) {
      zone.add("; TLS reporting (RFC 8460)");
      zone.add(ZoneText.txtLine(domain.tlsRptRecordName(), ttlSeconds, tlsrpt.toText()));
    }
    zone.add("; The policy host needs an address and a certificate valid for " + domain.policyHost() + ", e.g.:");
    zone.add("; " + domain.policyHost() + ". " + ttlSeconds + " IN CNAME <your-web-host>.");
    return new GeneratedPolicy(domain, policy, policy.toText(), domain.policyUri(), sts, tlsrpt, zone,
        checklist(tlsrpt != null), advice());
  }

  private List<String> checklist(boolean withTlsRpt) {
    List<String> steps = new ArrayList<>();
    steps.add("Get a certificate valid for " + domain.policyHost() + " from a public CA (a DNS SAN for that exact "
        + "name or *." + domain + ").");
    steps.add("Serve the policy file at " + domain.policyUri() + " with status 200, Content-Type text/plain, "
        + "no redirects.");
    steps.add("Check that every MX host of " + domain + " matches an mx line and offers STARTTLS with a valid "
        + "certificate for its own name.");
    if (withTlsRpt) {
      steps.add("Publish the _smtp._tls TXT record, so that failures are reported.");
    }
    steps.add("Publish the _mta-sts TXT record last: senders fetch the policy as soon as they see it.");
    steps.add("Run 'mta-sts check " + domain + "' and fix every error.");
    steps.add("On every policy change: update the file first, then publish a new id; keep serving old policies "
        + "until their max_age has passed.");
    return steps;
  }

  private List<Finding> advice() {
    List<Finding> advice = new ArrayList<>();
    if (policy.mode() == MtaStsMode.ENFORCE) {
      advice.add(Finding.of(FindingCode.START_IN_TESTING, "mode enforce: if this is the first deployment, "
          + "publish mode testing for a few weeks first and read the TLS-RPT reports"));
    }
    advice.addAll(advise(policy, domain));
    if (rua.isEmpty()) {
      advice.add(Finding.of(FindingCode.PUBLISH_TLSRPT, "no TLS-RPT address: you will not hear about failures"));
    }
    return advice;
  }

  /**
   * The advice about a policy's own choices, shared by {@code generate} and {@code lint} so that
   * both say the same: the mode ({@link FindingCode#MODE_TESTING}, {@link FindingCode#MODE_NONE}),
   * a {@code max_age} under one week while enforcing ({@link FindingCode#MAX_AGE_SHORT}, POL-9,
   * RFC 8461 §10.2) and broad wildcards ({@link FindingCode#BROAD_WILDCARD}, MXM-12, §10.4).
   *
   * @param policy the policy
   * @param domain the Policy Domain, or {@code null} when unknown (a file linted on its own): then
   *     only wildcards over a top-level domain are judged
   * @return the findings, in the order mode, max_age, wildcards
   */
  public static List<Finding> advise(MtaStsPolicy policy, @Nullable PolicyDomain domain) {
    List<Finding> advice = new ArrayList<>();
    switch (policy.mode()) {
      case ENFORCE -> {
        if (policy.maxAge().compareTo(ONE_WEEK) < 0) {
          advice.add(Finding.of(FindingCode.MAX_AGE_SHORT, "max_age " + Durations.human(policy.maxAge())
              + " is under one week (604800 seconds); short lifetimes let an attacker who blocks the policy host "
              + "downgrade senders sooner"));
        }
      }
      case TESTING -> advice.add(Finding.of(FindingCode.MODE_TESTING,
          "mode testing: senders report failures but deliver anyway; switch to enforce once reports are clean"));
      case NONE -> advice.add(Finding.of(FindingCode.MODE_NONE,
          "mode none opts out; publish it with a new id and a small max_age, and keep it until older "
              + "policies have expired"));
      default -> throw new IllegalStateException("unknown mode " + policy.mode());
    }
    for (MxPattern p : policy.mx()) {
      wildcard(domain, p).ifPresent(advice::add);
    }
    return advice;
  }

  /**
   * Judges whether a wildcard pattern is broad enough to cover unrelated hosts (MXM-12): a
   * wildcard over a single label ({@code *.com}) or over the Policy Domain itself
   * ({@code *.example.com}), which covers every host of the organization, web servers included.
   *
   * @param domain the Policy Domain
   * @param pattern the pattern
   * @return a {@link FindingCode#BROAD_WILDCARD} finding, or empty
   */
  public static Optional<Finding> broadWildcard(PolicyDomain domain, MxPattern pattern) {
    return wildcard(Objects.requireNonNull(domain, "domain"), pattern);
  }

  private static Optional<Finding> wildcard(@Nullable PolicyDomain domain, MxPattern pattern) {
    if (!pattern.isWildcard()) {
      return Optional.empty();
    }
    String d = pattern.domain();
    if (d.indexOf('.') < 0) {
      return Optional.of(new Finding(FindingCode.BROAD_WILDCARD, Severity.ERROR,
          "mx pattern '" + pattern + "' covers every host under the top-level domain ." + d));
    }
    if (domain != null && d.equals(domain.name())) {
      return Optional.of(Finding.of(FindingCode.BROAD_WILDCARD, "mx pattern '" + pattern
          + "' covers every host of " + d + ", so any of them with a certificate could receive mail"));
    }
    return Optional.empty();
  }

  /**
   * Collects the generator's inputs, validating each as it is given.
   */
  public static final class Builder {
    private @Nullable PolicyDomain domain;
    private final MtaStsPolicy.Builder policyBuilder = MtaStsPolicy.builder();
    private @Nullable MtaStsPolicy policy;
    private final List<URI> rua = new ArrayList<>();
    private PolicyIdStrategy idStrategy = PolicyIdStrategy.CONTENT;
    private InstantSource clock = InstantSource.system();
    private Duration ttl = Duration.ofHours(1);
    private boolean modeSet;
    private boolean maxAgeSet;

    private Builder() {}

    /**
     * Sets the Policy Domain; U-labels are converted to A-labels.
     *
     * @param domain the domain
     * @return this builder
     * @throws IllegalArgumentException if not a valid domain
     * @throws IllegalStateException if already set
     */
    public Builder domain(String domain) {
      this.domain = Builders.once(this.domain, PolicyDomain.of(domain), "domain");
      return this;
    }

    /**
     * Sets the mode.
     *
     * @param mode the mode
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder mode(MtaStsMode mode) {
      policyBuilder.mode(mode);
      modeSet = true;
      return this;
    }

    /**
     * Adds an MX pattern; U-labels are converted, a trailing dot removed.
     *
     * @param pattern a host name or {@code *.}-wildcard
     * @return this builder
     * @throws IllegalArgumentException if invalid or repeated
     */
    public Builder addMx(String pattern) {
      policyBuilder.addMx(pattern);
      return this;
    }

    /**
     * Sets {@code max_age}.
     *
     * @param maxAge whole seconds, 0 to 31557600
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder maxAge(Duration maxAge) {
      policyBuilder.maxAge(maxAge);
      maxAgeSet = true;
      return this;
    }

    /**
     * Adds a TLS-RPT reporting URI ({@code mailto:} or {@code https:}).
     *
     * @param uri the URI
     * @return this builder
     * @throws IllegalArgumentException if not a valid {@code mailto:} or {@code https:} URI
     */
    public Builder addRua(String uri) {
      Objects.requireNonNull(uri, "uri");
      URI parsed;
      try {
        parsed = new URI(uri.strip());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("reporting URI '" + uri + "' is invalid: " + e.getMessage(), e);
      }
      String scheme = parsed.getScheme();
      if (!"mailto".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("reporting URI '" + uri + "' must use mailto: or https:");
      }
      TlsRptRecord.of(List.of(parsed));
      if (rua.contains(parsed)) {
        throw new IllegalArgumentException("reporting URI '" + uri + "' was already added");
      }
      rua.add(parsed);
      return this;
    }

    /**
     * Sets how the id is made; default {@link PolicyIdStrategy#CONTENT}.
     *
     * @param strategy the strategy
     * @return this builder
     */
    public Builder idStrategy(PolicyIdStrategy strategy) {
      this.idStrategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Sets the clock for timestamp ids; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the TTL written in the zone-file lines; default one hour.
     *
     * @param ttl a positive duration of whole seconds
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder ttl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive, not " + Durations.human(ttl));
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Validates the inputs and returns the generator.
     *
     * @return the generator
     * @throws IllegalStateException naming every missing input
     */
    public PolicyGenerator build() {
      List<String> missing = new ArrayList<>();
      if (domain == null) {
        missing.add("the domain is not set");
      }
      if (!modeSet) {
        missing.add("the mode is not set");
      }
      if (!maxAgeSet) {
        missing.add("max_age is not set");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("cannot generate: " + String.join("; ", missing));
      }
      this.policy = policyBuilder.build();
      return new PolicyGenerator(this);
    }
  }
}
