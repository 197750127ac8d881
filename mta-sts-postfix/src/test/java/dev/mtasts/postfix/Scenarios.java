package dev.mtasts.postfix;

import dev.mtasts.testing.FakeDomain;
import dev.mtasts.testing.PolicyHost;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The lookups that {@link PostmapAnswersIT} asks our daemon and {@link PmsrComparisonIT} asks both
 * daemons, each on its own fake domain, with our daemon's expected answer (as {@code postmap -q}
 * reports it) and, where Debian's {@code mta-sts-daemon} answers otherwise, why ours follows the
 * RFC. The comparison IT asserts that the two differ exactly where a reason is given.
 */
final class Scenarios {
  private Scenarios() {}

  /**
   * One lookup.
   *
   * @param id the checklist ID the case proves
   * @param title what the case is, for the table
   * @param domain the fake domain's name
   * @param spec its records and policy host
   * @param then if not null, a second version of the domain that the name server switches to
   *     after a first lookup (the domain changes its records), before the recorded lookup
   * @param servfail whether the name server answers SERVFAIL for the zone (after it is set up)
   * @param key the lookup key
   * @param zone the socketmap name
   * @param ours our daemon's answer
   * @param why empty when PMSR answers the same; else why ours is the RFC-right answer
   */
  record Scenario(String id, String title, String domain, UnaryOperator<FakeDomain.Builder> spec,
      @Nullable UnaryOperator<FakeDomain.Builder> then, boolean servfail, String key, String zone, String ours,
      String why) {}

  /** The scenarios, as a JUnit {@code @MethodSource}. */
  static Stream<Scenario> all() {
    return ALL.stream();
  }

  static String policy(String mode, String... mx) {
    StringBuilder p = new StringBuilder("version: STSv1\nmode: ").append(mode).append('\n');
    for (String m : mx) {
      p.append("mx: ").append(m).append('\n');
    }
    return p.append("max_age: 86400\n").toString();
  }

  private static UnaryOperator<FakeDomain.Builder> serving(String body) {
    return b -> b.policy(body);
  }

  private static UnaryOperator<FakeDomain.Builder> failingWith(int status) {
    return b -> b.stsRecord("v=STSv1; id=2").policyHandler(PolicyHost.respond(status, "text/plain",
        "down".getBytes(StandardCharsets.US_ASCII)));
  }

  private static Scenario same(String id, String title, String domain, UnaryOperator<FakeDomain.Builder> spec,
      String key, String zone, String ours) {
    return new Scenario(id, title, domain, spec, null, false, key, zone, ours, "");
  }

  private static final String INVALID_RECORD = "RFC 8461 §3.1: `id` is 1 to 32 letters or digits; a record that is "
      + "syntactically invalid means the domain has no available policy (\"senders MUST assume the recipient "
      + "domain does not have an available MTA-STS Policy\"). PMSR accepts any `id` and fetches.";

  static final List<Scenario> ALL = List.of(
      same("PFX-20", "enforce, literal MX", "literal.test", serving(policy("enforce", "mx1.literal.test")),
          "literal.test", "postfix", "OK secure match=mx1.literal.test servername=hostname"),
      same("PFX-20", "enforce, wildcard MX", "wildcard.test", serving(policy("enforce", "*.mx.wildcard.test")),
          "wildcard.test", "postfix", "OK secure match=.mx.wildcard.test servername=hostname"),
      same("PFX-20", "testing", "testing.test", serving(policy("testing", "mx1.testing.test")),
          "testing.test", "postfix", "NOTFOUND"),
      same("PFX-20", "testing, strict zone", "strict.test", serving(policy("testing", "mx1.strict.test")),
          "strict.test", "strict", "OK secure match=mx1.strict.test servername=hostname"),
      same("PFX-20", "none", "none.test", serving(policy("none")), "none.test", "postfix", "NOTFOUND"),
      same("PFX-20", "no _mta-sts record", "norecord.test",
          b -> b.stsRecord(null).policy(policy("enforce", "mx1.norecord.test")),
          "norecord.test", "postfix", "NOTFOUND"),
      same("PFX-20", "invalid policy (unknown mode)", "badmode.test", serving(policy("enforcing", "mx1.badmode.test")),
          "badmode.test", "postfix", "NOTFOUND"),
      same("PFX-20", "fetch failure (HTTP 500), nothing cached", "fetchfail.test", failingWith(500),
          "fetchfail.test", "postfix", "NOTFOUND"),
      new Scenario("PFX-20", "fetch failure after a new id, policy cached", "cached.test",
          serving(policy("enforce", "mx1.cached.test")), failingWith(500), false, "cached.test", "postfix",
          "OK secure match=mx1.cached.test servername=hostname", ""),
      new Scenario("PFX-20", "DNS failure (SERVFAIL), nothing cached", "dnsfail.test",
          serving(policy("enforce", "mx1.dnsfail.test")), null, true, "dnsfail.test", "postfix", "NOTFOUND", ""),
      differs("TXT record with an invalid id", "badid.test",
          b -> b.stsRecord("v=STSv1; id=not_an_id!").policy(policy("enforce", "mx1.badid.test")),
          "badid.test", "postfix", "NOTFOUND", INVALID_RECORD),
      differs("TXT record with a 33-character id", "longid.test",
          b -> b.stsRecord("v=STSv1; id=" + "a".repeat(33)).policy(policy("enforce", "mx1.longid.test")),
          "longid.test", "postfix", "NOTFOUND", INVALID_RECORD),
      differs("enforce policy whose only mx line is empty", "emptymx.test",
          serving("version: STSv1\nmode: enforce\nmx:\nmax_age: 86400\n"),
          "emptymx.test", "postfix", "NOTFOUND",
          "RFC 8461 §3.2: each `mx` value is a host name or a `*.` wildcard (`sts-policy-mx-value`); a policy "
              + "with an invalid field is invalid, and an invalid policy is a fetch failure (§3.3), so with nothing "
              + "cached the domain has no policy (§5). PMSR's `match=` with an empty name fails every delivery."),
      differs("enforce policy with a two-label wildcard", "twostar.test",
          serving(policy("enforce", "*.*.mx.twostar.test")), "twostar.test", "postfix", "NOTFOUND",
          "RFC 8461 §3.2, §4.1: a wildcard is only `*.` as the left-most label, matching one label; "
              + "`*.*.mx.twostar.test` makes the policy invalid, a fetch failure (§3.3). PMSR strips the first `*` "
              + "and hands Postfix `.*.mx.twostar.test`, a pattern that no certificate name matches."),
      differs("a bracketed next hop (no MX lookup)", "bracket.test", serving(policy("enforce", "mx1.bracket.test")),
          "[bracket.test]", "postfix", "NOTFOUND",
          "RFC 8461 §4, §5: a policy names the MX hosts of the Policy Domain and applies to MX-based delivery; "
              + "`[host]` is a next hop Postfix uses without an MX lookup (postconf(5) `relayhost`, transport(5)), "
              + "a host the sender chose. PMSR strips the brackets and applies the domain's MX list to it."),
      differs("wildcard MX, zone with TLSRPT attributes", "tlsrpt.test", serving(policy("enforce", "*.mx.tlsrpt.test")),
          "tlsrpt.test", "tlsrpt", "OK secure match=.mx.tlsrpt.test servername=hostname policy_type=sts "
              + "policy_domain=tlsrpt.test policy_ttl=86400 mx_host_pattern=*.mx.tlsrpt.test "
              + "{ policy_string = version: STSv1 } { policy_string = mode: enforce } "
              + "{ policy_string = mx: *.mx.tlsrpt.test } { policy_string = max_age: 86400 }",
          "RFC 8461 §4.1: `*.mx.tlsrpt.test` matches exactly one label, but Postfix's `match=.mx.tlsrpt.test` "
              + "accepts a certificate at any depth. With the attributes of Postfix 3.10 and later "
              + "(`mx_host_pattern`, `smtp_tls_enforce_sts_mx_patterns`), Postfix checks each MX host against "
              + "the RFC patterns itself, and its TLS reports can name the policy (RFC 8460 §4.3: `policy-type`, "
              + "`policy-domain`, `policy-string`, `mx-host`). PMSR cannot give them: it answers the same in every zone."));

  private static Scenario differs(String title, String domain, UnaryOperator<FakeDomain.Builder> spec, String key,
      String zone, String ours, String why) {
    return new Scenario("PFX-27", title, domain, spec, null, false, key, zone, ours, why);
  }
}
