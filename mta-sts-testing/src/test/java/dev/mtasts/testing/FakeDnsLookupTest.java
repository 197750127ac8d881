package dev.mtasts.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.DnssecOutcome;
import dev.mtasts.core.dns.DnssecStatus;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The scripted address lookups of {@link FakeDnsLookup} (APP-11, proposed; SEC-3). */
@DisplayName("APP-11: FakeDnsLookup scripts address lookups")
class FakeDnsLookupTest {
  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal); // a literal: no lookup
  }

  private static DnsOutcome<InetAddress> addresses(FakeDnsLookup dns, String host) {
    return dns.addresses(host).toCompletableFuture().join();
  }

  @Test
  void scriptedAddressesComeBackInterleavedIpv6First() throws Exception {
    FakeDnsLookup dns = FakeDnsLookup.create().putAddresses("mta-sts.example.com",
        ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::1"));

    assertThat(addresses(dns, "MTA-STS.example.com."))
        .isEqualTo(new DnsOutcome.Records<>("MTA-STS.example.com.",
            List.of(ip("2001:db8::1"), ip("192.0.2.1"), ip("192.0.2.2")),
            List.of()));
    assertThat(dns.addressQueries("mta-sts.example.com")).isEqualTo(1);
  }

  @Test
  void unknownHostsAreNxdomainAndAHostWithoutAddressesIsNodata() {
    FakeDnsLookup dns = FakeDnsLookup.create().putAddresses("bare.example.com");

    assertThat(addresses(dns, "other.example.com"))
        .isEqualTo(new DnsOutcome.NoSuchName<>("other.example.com"));
    assertThat(addresses(dns, "bare.example.com"))
        .isEqualTo(new DnsOutcome.NoData<>("bare.example.com"));
  }

  @Test
  void failuresCanBeScriptedForBothFamiliesOrForOne() throws Exception { // SEC-3
    FakeDnsLookup dns = FakeDnsLookup.create()
        .failAddresses("down.example.com", DnsFailure.TIMEOUT)
        .putAddressOutcomes("half.example.com",
            new DnsOutcome.TemporaryFailure<>("half.example.com", DnsFailure.SERVFAIL, "x", null),
            new DnsOutcome.Records<>("half.example.com", List.of(ip("192.0.2.9")),
                List.of()));

    assertThat(addresses(dns, "down.example.com")).isInstanceOfSatisfying(
        DnsOutcome.TemporaryFailure.class, f -> assertThat(f.reason()).isEqualTo(DnsFailure.TIMEOUT));
    assertThat(addresses(dns, "half.example.com")).isEqualTo(new DnsOutcome.Records<>(
        "half.example.com", List.of(ip("192.0.2.9")), List.of()));
  }

  @Test
  void heldAddressAnswersWaitForTheGate() throws Exception {
    FakeDnsLookup dns = FakeDnsLookup.create().putAddresses("slow.example.com", ip("192.0.2.3"));
    Gate gate = dns.hold("slow.example.com");

    CompletableFuture<DnsOutcome<InetAddress>> result =
        dns.addresses("slow.example.com").toCompletableFuture();
    assertThat(result).isNotDone();
    gate.release();
    assertThat(result.join()).isInstanceOf(DnsOutcome.Records.class);
  }

  @Test
  @DisplayName("APP-19: scripted TLSA and MX answers are SECURE only where authenticated")
  void dnssecAnswersAreSecureOnlyWhereAuthenticated() {
    TlsaRecord record = new TlsaRecord(3, 1, 1, "ab".repeat(32));
    FakeDnsLookup dns = FakeDnsLookup.create()
        .putMx("example.com", new MxRecord(10, "mx.example.com"))
        .putTlsa("mx.example.com", 25, record)
        .authenticate("_25._tcp.mx.example.com");
    DnssecOutcome<TlsaRecord> tlsa = dns.tlsa("mx.example.com", 25).toCompletableFuture().join();
    assertThat(tlsa.status()).isEqualTo(DnssecStatus.SECURE);
    assertThat(tlsa.outcome()).isEqualTo(new DnsOutcome.Records<>(
        "_25._tcp.mx.example.com", List.of(record), List.of()));
    assertThat(dns.tlsaQueries("mx.example.com", 25)).isEqualTo(1);
    assertThat(dns.mxDnssec("example.com").toCompletableFuture().join().status())
        .isEqualTo(DnssecStatus.INSECURE);
    dns.authenticate("example.com").failMx("example.com", DnsFailure.DNSSEC_BOGUS);
    DnssecOutcome<MxRecord> bogus = dns.mxDnssec("example.com").toCompletableFuture().join();
    assertThat(bogus.bogus()).isTrue();
    assertThat(bogus.status()).isEqualTo(DnssecStatus.INSECURE);
    assertThat(dns.withoutDnssec().tlsa("mx.example.com", 25).toCompletableFuture().join().status())
        .isEqualTo(DnssecStatus.NOT_VALIDATED);
  }
}
