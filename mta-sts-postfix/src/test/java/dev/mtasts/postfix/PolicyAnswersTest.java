package dev.mtasts.postfix;

import static dev.mtasts.postfix.PostfixFixture.POLICY_ENFORCE;
import static dev.mtasts.postfix.PostfixFixture.POLICY_NONE;
import static dev.mtasts.postfix.PostfixFixture.POLICY_TESTING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.resolver.delivery.DomainDane;
import dev.mtasts.resolver.store.ForwardingPolicyStore;
import dev.mtasts.resolver.store.PolicyStore;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What each resolution answers over a real socketmap connection. */
@Timeout(60)
class PolicyAnswersTest {
  static final String SECURE = "OK secure match=mx1.example.com:.backup.example.com servername=hostname";

  @Test
  @DisplayName("PFX-1, PFX-2: an enforce policy answers secure with the MX patterns in Postfix syntax")
  void enforcePolicyAnswersSecureWithPostfixPatterns() throws Exception {
    try (PostfixFixture f = new PostfixFixture()) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      // Keys are case-insensitive domains; a trailing root dot is the same domain.
      assertThat(f.query("postfix EXAMPLE.com.")).isEqualTo(SECURE);
    }
  }

  @Test
  @DisplayName("PFX-1: testing and none policies and domains without a policy answer NOTFOUND")
  void testingNoneAndNoPolicyAnswerNotFound() throws Exception {
    try (PostfixFixture f = new PostfixFixture()) {
      f.publish("testing.example", "1", POLICY_TESTING.replace("example.com", "testing.example"));
      f.publish("none.example", "1", POLICY_NONE);
      assertThat(f.query("postfix testing.example")).isEqualTo("NOTFOUND ");
      assertThat(f.query("postfix none.example")).isEqualTo("NOTFOUND ");
      assertThat(f.query("postfix nothing.example")).isEqualTo("NOTFOUND ");
    }
  }

  @Test
  @DisplayName("PFX-1, PFX-19: strict_testing answers secure for a testing policy, in its own zone only")
  void strictTestingZoneAnswersSecureForTesting() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b
        .zone("postfix", ZoneOptions.defaults())
        .zone("strict", ZoneOptions.defaults().withStrictTesting(true)))) {
      f.publish("example.com", "1", POLICY_TESTING);
      assertThat(f.query("strict example.com"))
          .isEqualTo("OK secure match=mx1.example.com servername=hostname");
      assertThat(f.query("postfix example.com")).isEqualTo("NOTFOUND ");
    }
  }

  @Test
  @DisplayName("PFX-19: an unknown table name answers PERM and the connection stays usable")
  void unknownZoneAnswersPerm() throws Exception {
    try (PostfixFixture f = new PostfixFixture(); SocketmapClient c = f.client()) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(c.query("other example.com")).isEqualTo("PERM unknown table name");
      assertThat(c.query("postfix example.com")).isEqualTo(SECURE);
    }
  }

  @Test
  @DisplayName("PFX-5: a failed lookup with nothing cached answers NOTFOUND by default (fail open)")
  void temporaryFailureAnswersNotFoundByDefault() throws Exception {
    try (PostfixFixture f = new PostfixFixture()) {
      f.dns.failTxt("_mta-sts.dnsfail.example", DnsFailure.SERVFAIL);
      f.dns.putTxt("_mta-sts.fetchfail.example", "v=STSv1; id=1");
      f.fetcher.fail("fetchfail.example", FetchFailure.CONNECT_FAILED);
      assertThat(f.query("postfix dnsfail.example")).isEqualTo("NOTFOUND ");
      assertThat(f.query("postfix fetchfail.example")).isEqualTo("NOTFOUND ");
    }
  }

  @Test
  @DisplayName("PFX-5: with temp_failure: temp a failed lookup with nothing cached answers TEMP")
  void temporaryFailureAnswersTempWhenConfigured() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.zone("postfix",
        ZoneOptions.defaults().withTempFailure(ZoneOptions.TempFailureAnswer.TEMP)))) {
      f.dns.failTxt("_mta-sts.dnsfail.example", DnsFailure.SERVFAIL);
      f.dns.putTxt("_mta-sts.fetchfail.example", "v=STSv1; id=1");
      f.fetcher.fail("fetchfail.example", FetchFailure.CONNECT_FAILED);
      assertThat(f.query("postfix dnsfail.example")).isEqualTo("TEMP MTA-STS policy lookup failed: dns-failure");
      assertThat(f.query("postfix fetchfail.example")).isEqualTo("TEMP MTA-STS policy lookup failed: fetch-failed");
      // No record is not a failure: still NOTFOUND.
      assertThat(f.query("postfix nothing.example")).isEqualTo("NOTFOUND ");
    }
  }

  @Test
  @DisplayName("PFX-5: an unreadable policy store answers TEMP (the resolver defers), whatever the zone says")
  void unreadableStoreAnswersTemp() throws Exception {
    PolicyStore broken = new ForwardingPolicyStore(PolicyStore.inMemory()) {
      @Override
      protected <T> CompletionStage<T> forward(String operation, Supplier<CompletionStage<T>> call) {
        return CompletableFuture.failedFuture(new IOException("disk on fire"));
      }
    };
    try (PostfixFixture f = new PostfixFixture(broken, null, b -> { })) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix example.com")).isEqualTo("TEMP MTA-STS policy unavailable: store-unavailable");
    }
  }

  @Test
  @DisplayName("PFX-5: a DNS failure with a valid cached policy still answers the cached policy")
  void cachedPolicySurvivesDnsFailure() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.zone("postfix",
        ZoneOptions.defaults().withTempFailure(ZoneOptions.TempFailureAnswer.TEMP)))) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      f.dns.failTxt("_mta-sts.example.com", DnsFailure.TIMEOUT);
      f.clock.advance(java.time.Duration.ofHours(1));
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
    }
  }

  @Test
  @DisplayName("PFX-4: keys that cannot have a policy answer NOTFOUND without any lookup")
  void keysThatCannotHaveAPolicyAnswerNotFound() throws Exception {
    try (PostfixFixture f = new PostfixFixture(); SocketmapClient c = f.client()) {
      for (String key : new String[] {"[mx.example.com]", "[mx.example.com]:587", "example.com:2525",
          "[192.0.2.1]", "192.0.2.1", "[ipv6:2001:db8::1]", "2001:db8::1", ".example.com", "a..b",
          "-bad.example", "x".repeat(64) + ".example", ("a".repeat(60) + ".").repeat(5) + "com", "a b.example"}) {
        assertThat(c.query("postfix " + key)).as(key).isEqualTo("NOTFOUND ");
      }
      assertThat(f.dns.txtQueries("_mta-sts.mx.example.com")).isZero();
      assertThat(f.dns.txtQueries("_mta-sts.example.com")).isZero();
    }
  }

  @Test
  @DisplayName("PFX-6: DANE present answers dane-only, or dane when the zone says so")
  void danePresentAnswersDane() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b
        .daneDetector(d -> CompletableFuture.completedFuture(
            d.name().startsWith("dane") ? DomainDane.PRESENT : DomainDane.ABSENT))
        .zone("postfix", ZoneOptions.defaults())
        .zone("opportunistic", ZoneOptions.defaults().withDaneAnswer(ZoneOptions.DaneAnswer.DANE)))) {
      f.publish("dane.example", "1", POLICY_ENFORCE);
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix dane.example")).isEqualTo("OK dane-only");
      assertThat(f.query("opportunistic dane.example")).isEqualTo("OK dane");
      assertThat(f.query("postfix danenosts.example")).isEqualTo("OK dane-only");
      // ABSENT: the MTA-STS answer.
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
    }
  }

  @Test
  @DisplayName("PFX-7: DANE unknown, or a detector that fails, answers from MTA-STS")
  void daneUnknownOrFailingAnswersFromMtaSts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (PostfixFixture f = new PostfixFixture(b -> b.daneDetector(d -> {
      int n = calls.incrementAndGet();
      if (n == 1) {
        return CompletableFuture.completedFuture(DomainDane.UNKNOWN);
      }
      if (n == 2) {
        return CompletableFuture.failedFuture(new IllegalStateException("boom"));
      }
      throw new IllegalStateException("thrown");
    }))) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      assertThat(calls).hasValue(3);
    }
  }

  @Test
  @DisplayName("PFX-6: a domain's DANE state is remembered, so cached lookups make no DANE query")
  void daneStateIsRememberedAcrossQueries() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (PostfixFixture f = new PostfixFixture(b -> b.daneDetector(d -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(d.name().startsWith("dane") ? DomainDane.PRESENT : DomainDane.ABSENT);
    }))) {
      f.publish("dane.example", "1", POLICY_ENFORCE);
      f.publish("example.com", "1", POLICY_ENFORCE);
      for (int i = 0; i < 50; i++) {
        assertThat(f.query("postfix dane.example")).isEqualTo("OK dane-only");
        assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      }
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  @DisplayName("PFX-7: with DANE precedence off, the detector is not asked and MTA-STS answers")
  void danePrecedenceOffIgnoresDane() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (PostfixFixture f = new PostfixFixture(b -> b.danePrecedence(false).daneDetector(d -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(DomainDane.PRESENT);
    }))) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      assertThat(calls).hasValue(0);
    }
  }

  @Test
  @DisplayName("PFX-8, PFX-3: TLSRPT attributes as Postfix 3.10 parses them, patterns in RFC syntax")
  void tlsrptAttributesFollowTheSecureAnswer() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.zone("postfix", ZoneOptions.defaults().withTlsrpt(true)))) {
      f.publish("example.com", "1", POLICY_ENFORCE.replace("\n", "\r\n"));
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE
          + " policy_type=sts policy_domain=example.com policy_ttl=86400"
          + " mx_host_pattern=mx1.example.com mx_host_pattern=*.backup.example.com"
          + " { policy_string = version: STSv1 } { policy_string = mode: enforce }"
          + " { policy_string = mx: mx1.example.com } { policy_string = mx: *.backup.example.com }"
          + " { policy_string = max_age: 86400 }");
    }
  }

  @Test
  @DisplayName("SEC-48: a policy line that Postfix's brace syntax cannot carry is left out, never altered")
  void unsafePolicyLinesAreLeftOut() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.zone("postfix", ZoneOptions.defaults().withTlsrpt(true)))) {
      f.publish("example.com", "1", "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 600\n"
          + "x_evil: }policy_type=dane{\n");
      String reply = f.query("postfix example.com");
      assertThat(reply).startsWith("OK secure match=mx1.example.com servername=hostname policy_type=sts")
          .endsWith("{ policy_string = max_age: 600 }")
          .doesNotContain("evil");
    }
  }

  @Test
  @DisplayName("PFX-9: a reply never exceeds Postfix's 100,000 characters; policy strings go first")
  void hugePolicyRepliesStayUnderPostfixLimit() throws Exception {
    StringBuilder policy = new StringBuilder("version: STSv1\nmode: enforce\nmax_age: 600\n");
    for (int i = 0; policy.length() < 60_000; i++) {
      policy.append("mx: m").append(i).append(".example.com\n");
    }
    try (PostfixFixture f = new PostfixFixture(b -> b.zone("postfix", ZoneOptions.defaults().withTlsrpt(true)))) {
      f.publish("example.com", "1", policy.toString());
      String reply = f.query("postfix example.com");
      assertThat(reply).hasSizeLessThanOrEqualTo(100_000).startsWith("OK secure match=m0.example.com:")
          .doesNotContain("policy_string");
    }
  }
}
