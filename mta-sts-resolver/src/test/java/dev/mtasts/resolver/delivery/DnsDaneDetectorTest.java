package dev.mtasts.resolver.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.Gate;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The decision table of {@link DnsDaneDetector}, on a scripted DNS. */
class DnsDaneDetectorTest {
  private static final PolicyDomain DOMAIN = PolicyDomain.of("example.com");
  private static final String SHA256 = "0123456789abcdef".repeat(4);
  /** DANE-EE(3) SPKI(1) SHA-256(1): the record most DANE SMTP servers publish. */
  private static final TlsaRecord USABLE = new TlsaRecord(3, 1, 1, SHA256);
  /** PKIX-EE(1): unusable for SMTP (RFC 7672 §3.1.3). */
  private static final TlsaRecord PKIX = new TlsaRecord(1, 1, 1, SHA256);

  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final FakeDnsLookup dns = FakeDnsLookup.create();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private DomainDane detect() throws Exception {
    return detect(DnsDaneDetector.builder(dns).executor(executor).build());
  }

  private DomainDane detect(DaneDetector detector) throws Exception {
    return detector.detect(DOMAIN).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A signed MX RRset: mx1 (10) and mx2 (20). */
  private void signedMx() {
    dns.putMx("example.com", new MxRecord(20, "mx2.example.com"), new MxRecord(10, "mx1.example.com"))
        .authenticate("example.com");
  }

  @Test
  @DisplayName("APP-14: authenticated MX and one host with authenticated usable TLSA is PRESENT")
  void authenticatedMxAndUsableAuthenticatedTlsaOnOneHostIsPresent() throws Exception {
    signedMx();
    dns.putTlsa("mx1.example.com", 25).authenticate("_25._tcp.mx1.example.com"); // secure NODATA
    dns.putTlsa("mx2.example.com", 25, USABLE).authenticate("_25._tcp.mx2.example.com");
    assertThat(detect()).isEqualTo(DomainDane.PRESENT);
    assertThat(dns.tlsaQueries("mx1.example.com", 25)).isEqualTo(1);
    assertThat(dns.tlsaQueries("mx2.example.com", 25)).isEqualTo(1);
  }

  @Test
  @DisplayName("APP-14: one host with DANE is enough even when another host's TLSA lookup fails")
  void oneDaneHostWinsOverAnotherHostsFailure() throws Exception {
    signedMx();
    dns.putTlsaOutcome("mx1.example.com", 25, new DnsOutcome.TemporaryFailure<>(
        "_25._tcp.mx1.example.com", DnsFailure.TIMEOUT, "fake", null));
    dns.putTlsa("mx2.example.com", 25, USABLE).authenticate("_25._tcp.mx2.example.com");
    assertThat(detect()).isEqualTo(DomainDane.PRESENT);
  }

  @Test
  @DisplayName("APP-15: an MX answer that is not authenticated is ABSENT, TLSA never asked")
  void unauthenticatedMxIsAbsentWithoutTlsaLookups() throws Exception {
    dns.putMx("example.com", new MxRecord(10, "mx1.example.com"));
    dns.putTlsa("mx1.example.com", 25, USABLE).authenticate("_25._tcp.mx1.example.com");
    assertThat(detect()).isEqualTo(DomainDane.ABSENT);
    assertThat(dns.tlsaQueries("mx1.example.com", 25)).isZero();
  }

  @Test
  @DisplayName("APP-15: a DnsLookup without DNSSEC (the SPI's defaults) never finds DANE")
  void lookupWithoutDnssecIsAlwaysAbsent() throws Exception {
    signedMx();
    dns.putTlsa("mx1.example.com", 25, USABLE).authenticate("_25._tcp.mx1.example.com");
    assertThat(detect(DaneDetector.fromDns(dns.withoutDnssec()))).isEqualTo(DomainDane.ABSENT);
  }

  @Test
  @DisplayName("APP-15: unauthenticated TLSA records are never used")
  void unauthenticatedTlsaIsAbsent() throws Exception {
    signedMx();
    dns.putTlsa("mx1.example.com", 25, USABLE);
    dns.putTlsa("mx2.example.com", 25, USABLE);
    assertThat(detect()).isEqualTo(DomainDane.ABSENT);
  }

  @Test
  @DisplayName("APP-16: authenticated NODATA for MX: the implicit MX (the domain) is looked up")
  void noMxRrsetUsesTheDomainAsImplicitMx() throws Exception {
    dns.putMx("example.com").authenticate("example.com");
    dns.putTlsa("example.com", 25, USABLE).authenticate("_25._tcp.example.com");
    assertThat(detect()).isEqualTo(DomainDane.PRESENT);
    assertThat(dns.tlsaQueries("example.com", 25)).isEqualTo(1);
  }

  @Test
  @DisplayName("APP-16: authenticated NXDOMAIN and a null MX are ABSENT")
  void nxdomainAndNullMxAreAbsent() throws Exception {
    dns.authenticate("example.com"); // nothing configured: NXDOMAIN
    assertThat(detect()).isEqualTo(DomainDane.ABSENT);
    dns.putMx("example.com", new MxRecord(0, ""));
    dns.putTlsa("example.com", 25, USABLE).authenticate("_25._tcp.example.com");
    assertThat(detect()).isEqualTo(DomainDane.ABSENT);
    assertThat(dns.tlsaQueries("example.com", 25)).isZero();
  }

  @Test
  @DisplayName("APP-17: a failed or bogus MX lookup is UNKNOWN")
  void failedOrBogusMxIsUnknown() throws Exception {
    dns.authenticate("example.com");
    dns.failMx("example.com", DnsFailure.SERVFAIL);
    assertThat(detect()).isEqualTo(DomainDane.UNKNOWN);
    dns.failMx("example.com", DnsFailure.DNSSEC_BOGUS);
    assertThat(detect()).isEqualTo(DomainDane.UNKNOWN);
  }

  @Test
  @DisplayName("APP-17, SEC-43: no DANE host while one host's TLSA is bogus is UNKNOWN, never ABSENT")
  void bogusTlsaWithoutAnyDaneHostIsUnknown() throws Exception {
    signedMx();
    dns.putTlsa("mx1.example.com", 25).authenticate("_25._tcp.mx1.example.com");
    dns.putTlsaOutcome("mx2.example.com", 25, new DnsOutcome.TemporaryFailure<>(
        "_25._tcp.mx2.example.com", DnsFailure.DNSSEC_BOGUS, "fake bogus", null));
    assertThat(detect()).isEqualTo(DomainDane.UNKNOWN);
  }

  @Test
  @DisplayName("APP-18: a secure TLSA RRset of unusable records (PKIX-EE, bad digest) is ABSENT")
  void onlyUnusableTlsaRecordsIsAbsent() throws Exception {
    signedMx();
    dns.putTlsa("mx1.example.com", 25, PKIX, new TlsaRecord(3, 1, 1, "abcd"))
        .authenticate("_25._tcp.mx1.example.com");
    dns.putTlsa("mx2.example.com", 25).authenticate("_25._tcp.mx2.example.com");
    assertThat(detect()).isEqualTo(DomainDane.ABSENT);
  }

  @Test
  @DisplayName("SEC-42: only the first maxMxHosts distinct hosts, by preference, are looked up")
  void mxHostsAreCappedInPreferenceOrder() throws Exception {
    MxRecord[] many = new MxRecord[30];
    for (int i = 0; i < many.length; i++) {
      many[i] = new MxRecord(100 - i, "mx" + i + ".example.com");
    }
    dns.putMx("example.com", many).authenticate("example.com");
    dns.putTlsa("mx0.example.com", 25, USABLE).authenticate("_25._tcp.mx0.example.com");
    // mx0 has the highest preference value, so it comes last and is past the cap.
    assertThat(detect(DnsDaneDetector.builder(dns).executor(executor).maxMxHosts(3).build()))
        .isEqualTo(DomainDane.ABSENT);
    assertThat(dns.tlsaQueries("mx29.example.com", 25)).isEqualTo(1);
    assertThat(dns.tlsaQueries("mx27.example.com", 25)).isEqualTo(1);
    assertThat(dns.tlsaQueries("mx26.example.com", 25)).isZero();
    assertThat(dns.tlsaQueries("mx0.example.com", 25)).isZero();
  }

  @Test
  @DisplayName("SEC-42: a TLSA lookup that never answers ends as UNKNOWN at the deadline")
  void lookupThatNeverAnswersIsUnknownAtTheDeadline() throws Exception {
    signedMx();
    Gate held = dns.hold("_25._tcp.mx1.example.com");
    dns.putTlsa("mx2.example.com", 25).authenticate("_25._tcp.mx2.example.com");
    DaneDetector detector = DnsDaneDetector.builder(dns).executor(executor)
        .deadline(Duration.ofMillis(200)).build();
    long start = System.nanoTime();
    assertThat(detect(detector)).isEqualTo(DomainDane.UNKNOWN);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    held.release();
  }

  @Test
  void builderRejectsBadBoundsAndSecondSettings() {
    DnsDaneDetector.Builder b = DnsDaneDetector.builder(dns);
    assertThatThrownBy(() -> b.maxMxHosts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DnsDaneDetector.builder(dns).maxMxHosts(101))
        .isInstanceOf(IllegalArgumentException.class);
    DnsDaneDetector.Builder c = DnsDaneDetector.builder(dns).deadline(Duration.ofSeconds(1));
    assertThatThrownBy(() -> c.deadline(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DnsDaneDetector.builder(dns).deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
