package dev.mtasts.dns;

import static dev.mtasts.dns.OutcomeAssertions.awaitDnssec;
import static dev.mtasts.dns.OutcomeAssertions.failure;
import static dev.mtasts.dns.OutcomeAssertions.recordList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.DnssecOutcome;
import dev.mtasts.core.dns.DnssecStatus;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import dev.mtasts.testing.KnotServer;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DnsjavaLookup}'s DNSSEC path against knotd serving a zone it signs itself, validated in
 * this process from the zone's DS as trust anchor (the zones have no signed parent here).
 */
@Timeout(120)
class DnsjavaDaneIT {
  private static final String HASH = "0123456789abcdef".repeat(4);
  private static final String ZONE = """
      $TTL 300
      @ SOA ns hostmaster 1 3600 600 86400 300
      @ NS ns
      ns A 127.0.0.1
      @ MX 10 mx
      mx A 192.0.2.25
      _25._tcp.mx TLSA 3 1 1 %s
      plain A 192.0.2.26
      """.formatted(HASH);

  private static KnotLookup server;
  private static KnotServer knot;
  private static ExecutorService executor;
  private static String signedAnchor;

  @BeforeAll
  static void start() throws IOException {
    server = KnotLookup.start(
        Map.of("signed.test", ZONE, "unsigned.test", ZONE, "stripped.test", ZONE, "other.test", ZONE),
        Set.of("signed.test", "other.test"));
    knot = server.knot;
    executor = server.executor;
    signedAnchor = knot.trustAnchor("signed.test");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static DnsjavaLookup validating(String anchors) {
    return DnsjavaLookup.builder().servers(knot.hostPort()).executor(executor)
        .dnssecTrustAnchors(anchors).build();
  }

  @Test
  @DisplayName("APP-19: TLSA and MX of a signed zone validate from its DS: SECURE")
  void signedZoneAnswersAreSecure() throws Exception {
    DnsjavaLookup dns = validating(signedAnchor);
    DnssecOutcome<TlsaRecord> tlsa = awaitDnssec(dns.tlsa("mx.signed.test", 25));
    assertThat(tlsa.status()).as("%s\n%s", tlsa, knot.log()).isEqualTo(DnssecStatus.SECURE);
    assertThat(recordList(tlsa.outcome())).containsExactly(new TlsaRecord(3, 1, 1, HASH));
    DnssecOutcome<MxRecord> mx = awaitDnssec(dns.mxDnssec("signed.test"));
    assertThat(mx.status()).isEqualTo(DnssecStatus.SECURE);
    assertThat(recordList(mx.outcome())).containsExactly(new MxRecord(10, "mx.signed.test"));
  }

  @Test
  @DisplayName("APP-19: authenticated denial: NODATA and NXDOMAIN of a signed zone are SECURE")
  void signedZoneDenialsAreSecure() throws Exception {
    DnsjavaLookup dns = validating(signedAnchor);
    DnssecOutcome<TlsaRecord> nodata = awaitDnssec(dns.tlsa("plain.signed.test", 25));
    // _25._tcp.plain does not exist: NXDOMAIN, proven by NSEC
    assertThat(nodata.outcome()).isInstanceOf(DnsOutcome.NoSuchName.class);
    assertThat(nodata.status()).isEqualTo(DnssecStatus.SECURE);
    DnssecOutcome<MxRecord> noMx = awaitDnssec(dns.mxDnssec("plain.signed.test"));
    assertThat(noMx.outcome()).isInstanceOf(DnsOutcome.NoData.class);
    assertThat(noMx.status()).isEqualTo(DnssecStatus.SECURE);
  }

  @Test
  @DisplayName("APP-15, APP-19: an unsigned zone under no trust anchor is INSECURE")
  void unsignedZoneIsInsecure() throws Exception {
    DnsjavaLookup dns = validating(signedAnchor);
    DnssecOutcome<TlsaRecord> tlsa = awaitDnssec(dns.tlsa("mx.unsigned.test", 25));
    assertThat(tlsa.status()).isEqualTo(DnssecStatus.INSECURE);
    assertThat(recordList(tlsa.outcome())).containsExactly(new TlsaRecord(3, 1, 1, HASH));
  }

  @Test
  @DisplayName("APP-19: without a DNSSEC option nothing is validated, even a signed zone")
  void lookupWithoutDnssecIsNotValidated() throws Exception {
    DnssecOutcome<TlsaRecord> tlsa = awaitDnssec(server.dns.tlsa("mx.signed.test", 25));
    assertThat(tlsa.status()).isEqualTo(DnssecStatus.NOT_VALIDATED);
    assertThat(recordList(tlsa.outcome())).hasSize(1);
  }

  @Test
  @DisplayName("SEC-43: a zone the anchor says is signed, served without signatures, is bogus")
  void strippedSignaturesAreBogus() throws Exception {
    // An attacker's copy of a signed zone without its RRSIGs: the anchor says it is signed.
    String strippedAnchor = signedAnchor.replace("signed.test.", "stripped.test.");
    DnsjavaLookup dns = validating(signedAnchor + strippedAnchor);
    DnssecOutcome<TlsaRecord> tlsa = awaitDnssec(dns.tlsa("mx.stripped.test", 25));
    assertThat(tlsa.bogus()).as("%s", tlsa).isTrue();
    assertThat(tlsa.status()).isEqualTo(DnssecStatus.INSECURE);
    failure(awaitDnssec(dns.mxDnssec("stripped.test")).outcome(), DnsFailure.DNSSEC_BOGUS);
  }

  @Test
  @DisplayName("SEC-43: a trust anchor that matches no key of the zone makes its answers bogus")
  void wrongTrustAnchorIsBogus() throws Exception {
    // other.test's key, claimed for signed.test: the DS matches no DNSKEY of signed.test.
    String wrong = knot.trustAnchor("other.test").replace("other.test.", "signed.test.");
    DnsjavaLookup dns = validating(wrong);
    DnssecOutcome<TlsaRecord> tlsa = awaitDnssec(dns.tlsa("mx.signed.test", 25));
    assertThat(tlsa.bogus()).as("%s", tlsa).isTrue();
    assertThat(tlsa.authenticated()).isFalse();
  }

  @Test
  void trustAnchorsWithoutDsOrDnskeyAndBothModesAreRefused() {
    assertThatThrownBy(() -> DnsjavaLookup.builder().dnssecTrustAnchors("example. A 192.0.2.1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnsjavaLookup.builder().trustAuthenticatedData()
        .dnssecTrustAnchors(signedAnchor)).isInstanceOf(IllegalStateException.class);
  }
}
