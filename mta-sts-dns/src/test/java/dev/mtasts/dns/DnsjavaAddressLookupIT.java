package dev.mtasts.dns;

import static dev.mtasts.dns.OutcomeAssertions.await;
import static dev.mtasts.dns.OutcomeAssertions.failure;
import static dev.mtasts.dns.OutcomeAssertions.recordList;
import static dev.mtasts.dns.OutcomeAssertions.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DnsjavaLookup#addresses(String)} against knotd serving A and AAAA records from zone files
 * on a loopback port (see {@code dev.mtasts.testing.KnotServer}; skipped when knotd is absent unless
 * {@code MTASTS_REQUIRE_SERVERS=1}). APP-11 (proposed), TXT-10, TXT-13.
 */
@Timeout(120)
@DisplayName("APP-11: address lookups against knotd")
class DnsjavaAddressLookupIT {
  private static KnotLookup server;
  private static DnsjavaLookup dns;

  @BeforeAll
  static void startKnot() throws IOException {
    String example = """
        $TTL 300
        @ SOA ns hostmaster 2024010101 3600 600 86400 300
        @ NS ns
        ns A 127.0.0.1
        mta-sts A 192.0.2.10
        mta-sts A 192.0.2.11
        mta-sts AAAA 2001:db8::10
        v4only A 192.0.2.20
        v6only AAAA 2001:db8::30
        textonly TXT "no addresses here"
        alias CNAME host.provider.test.
        dangling CNAME gone.provider.test.
        """;
    String provider = """
        $TTL 300
        @ SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
        @ NS ns.example.test.
        host A 192.0.2.40
        host AAAA 2001:db8::40
        """;
    server = KnotLookup.start(Map.of("example.test", example, "provider.test", provider));
    dns = server.dns;
  }

  @AfterAll
  static void stopKnot() {
    if (server != null) {
      server.close();
    }
  }

  private static List<String> literals(DnsOutcome<InetAddress> outcome) {
    return recordList(outcome).stream().map(InetAddress::getHostAddress).toList();
  }

  @Test
  void bothFamiliesAreFoundIpv6First() throws Exception {
    List<String> found = literals(await(dns.addresses("mta-sts.example.test")));

    assertThat(found).hasSize(3);
    assertThat(found.get(0)).isEqualTo("2001:db8:0:0:0:0:0:10");
    assertThat(found.subList(1, 3)).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11");
  }

  @Test
  void oneFamilyAloneIsFound() throws Exception {
    assertThat(literals(await(dns.addresses("v4only.example.test")))).containsExactly("192.0.2.20");
    assertThat(literals(await(dns.addresses("v6only.example.test."))))
        .containsExactly("2001:db8:0:0:0:0:0:30");
  }

  @Test
  void cnameToAnotherZoneIsFollowed() throws Exception { // TXT-10
    DnsOutcome<InetAddress> outcome = await(dns.addresses("alias.example.test"));

    assertThat(literals(outcome)).containsExactly("2001:db8:0:0:0:0:0:40", "192.0.2.40");
    assertThat(records(outcome).cnameChain()).containsExactly("host.provider.test");
  }

  @Test
  void missingNamesAreNoSuchNameAndNamesWithoutAddressesNoData() throws Exception {
    assertThat(await(dns.addresses("missing.example.test")))
        .isEqualTo(new DnsOutcome.NoSuchName<>("missing.example.test"));
    assertThat(await(dns.addresses("dangling.example.test")))
        .isEqualTo(new DnsOutcome.NoSuchName<>("dangling.example.test"));
    assertThat(await(dns.addresses("textonly.example.test")))
        .isEqualTo(new DnsOutcome.NoData<>("textonly.example.test"));
  }

  @Test
  void aZoneTheServerDoesNotServeIsRefused() throws Exception { // TXT-13
    failure(await(dns.addresses("mta-sts.example.org")), DnsFailure.REFUSED);
  }

  @Test
  void tcpOnlyAddressLookupsWorkToo() throws Exception {
    DnsjavaLookup tcp = server.tcpOnly();

    assertThat(literals(await(tcp.addresses("alias.example.test"))))
        .containsExactly("2001:db8:0:0:0:0:0:40", "192.0.2.40");
  }
}
