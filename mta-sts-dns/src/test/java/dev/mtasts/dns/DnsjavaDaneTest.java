package dev.mtasts.dns;

import static dev.mtasts.dns.FakeZone.cname;
import static dev.mtasts.dns.FakeZone.mx;
import static dev.mtasts.dns.FakeZone.name;
import static dev.mtasts.dns.OutcomeAssertions.awaitDnssec;
import static dev.mtasts.dns.OutcomeAssertions.failure;
import static dev.mtasts.dns.OutcomeAssertions.recordList;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnssecOutcome;
import dev.mtasts.core.dns.DnssecStatus;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;

/**
 * The DNSSEC path of {@link DnsjavaLookup} when it trusts the AD bit of a validating resolver
 * ({@code trustAuthenticatedData()}), against an in-process server that sets AD as scripted.
 */
@Timeout(60)
class DnsjavaDaneTest {
  private static final String HASH = "ab".repeat(32);

  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static TLSARecord tlsa(String owner) {
    return new TLSARecord(name(owner), DClass.IN, 300, 3, 1, 1, HexFormat.of().parseHex(HASH));
  }

  /** The zone's answers, with AD set on those for the names in {@code secure}. */
  private static FakeDnsServer.Handler adFor(FakeZone zone, Set<String> secure) {
    return (query, transport) -> {
      FakeDnsServer.Reply reply = zone.reply(query, transport);
      if (reply instanceof FakeDnsServer.Answer a
          && secure.contains(query.getQuestion().getName().toString(true))) {
        a.message().getHeader().setFlag(Flags.AD);
      }
      return reply;
    };
  }

  private DnsjavaLookup trusting(FakeDnsServer server) {
    return DnsjavaLookup.builder().servers(server.hostPort()).executor(executor)
        .trustAuthenticatedData().build();
  }

  @Test
  @DisplayName("APP-19: with trustAuthenticatedData an answer with AD is SECURE, and AD is asked for")
  void adBitFromTrustedResolverMakesTheAnswerSecure() throws Exception {
    FakeZone zone = FakeZone.chasing().add(tlsa("_25._tcp.mx.example"), mx("example", 10, "mx.example"));
    try (FakeDnsServer server = FakeDnsServer.start(
        adFor(zone, Set.of("_25._tcp.mx.example", "example")))) {
      DnsjavaLookup dns = trusting(server);
      DnssecOutcome<TlsaRecord> t = awaitDnssec(dns.tlsa("mx.example", 25));
      assertThat(t.status()).isEqualTo(DnssecStatus.SECURE);
      assertThat(recordList(t.outcome())).containsExactly(new TlsaRecord(3, 1, 1, HASH));
      DnssecOutcome<MxRecord> m = awaitDnssec(dns.mxDnssec("example"));
      assertThat(m.status()).isEqualTo(DnssecStatus.SECURE);
      // RFC 6840 §5.7: a query with AD set asks the resolver to report authentication.
      assertThat(server.queries()).allSatisfy(q -> assertThat(q.getHeader().getFlag(Flags.AD)).isTrue());
    }
  }

  @Test
  @DisplayName("SEC-41: the AD bit of a resolver not configured as trusted authenticates nothing")
  void adBitIsIgnoredUnlessTheResolverIsTrusted() throws Exception {
    FakeZone zone = FakeZone.chasing().add(tlsa("_25._tcp.mx.example"));
    try (FakeDnsServer server = FakeDnsServer.start(adFor(zone, Set.of("_25._tcp.mx.example")))) {
      DnsjavaLookup dns = DnsjavaLookup.builder().servers(server.hostPort()).executor(executor)
          .build();
      DnssecOutcome<TlsaRecord> t = awaitDnssec(dns.tlsa("mx.example", 25));
      assertThat(t.status()).isEqualTo(DnssecStatus.NOT_VALIDATED);
      assertThat(t.authenticated()).isFalse();
    }
  }

  @Test
  @DisplayName("APP-19: without AD on the answer it is INSECURE")
  void answerWithoutAdIsInsecure() throws Exception {
    FakeZone zone = FakeZone.chasing().add(tlsa("_25._tcp.mx.example"));
    try (FakeDnsServer server = FakeDnsServer.start(adFor(zone, Set.of()))) {
      DnssecOutcome<TlsaRecord> t = awaitDnssec(trusting(server).tlsa("mx.example", 25));
      assertThat(t.status()).isEqualTo(DnssecStatus.INSECURE);
      assertThat(recordList(t.outcome())).hasSize(1);
    }
  }

  @Test
  @DisplayName("APP-19: a CNAME chain is SECURE only if every response along it had AD")
  void cnameChainIsSecureOnlyIfEveryResponseIs() throws Exception {
    FakeZone zone = FakeZone.notChasing()
        .add(cname("_25._tcp.mx.example", "tlsa.provider"), tlsa("tlsa.provider"));
    try (FakeDnsServer server = FakeDnsServer.start(adFor(zone, Set.of("_25._tcp.mx.example")))) {
      DnssecOutcome<TlsaRecord> t = awaitDnssec(trusting(server).tlsa("mx.example", 25));
      assertThat(recordList(t.outcome())).hasSize(1);
      assertThat(t.status()).isEqualTo(DnssecStatus.INSECURE);
    }
    try (FakeDnsServer server = FakeDnsServer.start(
        adFor(zone, Set.of("_25._tcp.mx.example", "tlsa.provider")))) {
      DnssecOutcome<TlsaRecord> t = awaitDnssec(trusting(server).tlsa("mx.example", 25));
      assertThat(t.status()).isEqualTo(DnssecStatus.SECURE);
    }
  }

  @Test
  @DisplayName("APP-19, SEC-43: SERVFAIL with EDE 6 (DNSSEC Bogus) is DNSSEC_BOGUS; a plain one is not")
  void servfailWithDnssecBogusEdeIsBogus() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((query, transport) -> {
      Message m = FakeDnsServer.response(query, Rcode.SERVFAIL);
      if (query.getQuestion().getName().toString(true).contains("bogus")) {
        m.addRecord(new OPTRecord(1232, 0, 0, 0,
            new ExtendedErrorCodeOption(ExtendedErrorCodeOption.DNSSEC_BOGUS, "RRSIG\u0007 wrong")),
            Section.ADDITIONAL);
      }
      return new FakeDnsServer.Answer(m);
    })) {
      DnsjavaLookup dns = trusting(server);
      DnssecOutcome<TlsaRecord> bogus = awaitDnssec(dns.tlsa("bogus.example", 25));
      assertThat(bogus.bogus()).isTrue();
      assertThat(bogus.status()).isEqualTo(DnssecStatus.INSECURE);
      DnssecOutcome<TlsaRecord> plain = awaitDnssec(dns.tlsa("plain.example", 25));
      failure(plain.outcome(), DnsFailure.SERVFAIL);
      assertThat(plain.bogus()).isFalse();
    }
  }
}
