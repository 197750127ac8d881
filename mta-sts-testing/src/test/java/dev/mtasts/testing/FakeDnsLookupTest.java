package dev.mtasts.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
            java.util.List.of(ip("2001:db8::1"), ip("192.0.2.1"), ip("192.0.2.2")),
            java.util.List.of()));
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
            new DnsOutcome.Records<>("half.example.com", java.util.List.of(ip("192.0.2.9")),
                java.util.List.of()));

    assertThat(addresses(dns, "down.example.com")).isInstanceOfSatisfying(
        DnsOutcome.TemporaryFailure.class, f -> assertThat(f.reason()).isEqualTo(DnsFailure.TIMEOUT));
    assertThat(addresses(dns, "half.example.com")).isEqualTo(new DnsOutcome.Records<>(
        "half.example.com", java.util.List.of(ip("192.0.2.9")), java.util.List.of()));
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
}
