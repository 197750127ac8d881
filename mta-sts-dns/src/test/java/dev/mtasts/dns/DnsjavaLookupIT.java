package dev.mtasts.dns;

import static dev.mtasts.dns.OutcomeAssertions.await;
import static dev.mtasts.dns.OutcomeAssertions.failure;
import static dev.mtasts.dns.OutcomeAssertions.recordList;
import static dev.mtasts.dns.OutcomeAssertions.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DnsjavaLookup} against a real authoritative server: knotd started from zone files on a
 * loopback port (see {@code dev.mtasts.testing.KnotServer}; skipped when knotd is absent unless
 * {@code MTASTS_REQUIRE_SERVERS=1}).
 */
@Timeout(120)
class DnsjavaLookupIT {
  private static final Logger LOG = LoggerFactory.getLogger(DnsjavaLookupIT.class);
  private static final String STS = "v=STSv1; id=20240101T000000;";

  private static KnotLookup server;
  private static DnsjavaLookup dns;

  @BeforeAll
  static void startKnot() throws IOException {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      big.append("_mta-sts.big TXT \"v=STSv1; id=big").append(i).append(";\"\n");
    }
    String example = """
        $TTL 300
        @ SOA ns hostmaster 2024010101 3600 600 86400 300
        @ NS ns
        ns A 127.0.0.1
        @ MX 10 mx1
        @ MX 20 MX2.Example.Test.
        mx1 A 192.0.2.25
        _mta-sts TXT "%s"
        _smtp._tls TXT "v=TLSRPTv1; " "rua=mailto:tlsrpt@example.test"
        _mta-sts.split TXT "v=STSv1;" "id=split;"
        _mta-sts.delegated CNAME _mta-sts.customer.provider.test.
        _mta-sts.inzone CNAME policy
        policy TXT "v=STSv1; id=inzone;"
        _mta-sts.dangling CNAME _mta-sts.gone.provider.test.
        _mta-sts.nodata CNAME host.provider.test.
        nomx TXT "no mail here"
        nullmx MX 0 .
        _mta-sts.xn--bcher-kva TXT "v=STSv1; id=idn;"
        loop1 CNAME loop2
        loop2 CNAME loop1
        """.formatted(STS) + big;
    String provider = """
        $TTL 300
        @ SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
        @ NS ns.example.test.
        _mta-sts.customer TXT "v=STSv1; id=provider;"
        host A 192.0.2.1
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

  @Test
  void txtRecordIsFound() throws Exception {
    DnsOutcome<String> outcome = await(dns.txt("_mta-sts.example.test"));

    assertThat(recordList(outcome)).containsExactly(STS);
    assertThat(records(outcome).cnameChain()).isEmpty();
  }

  @Test
  void characterStringsAreJoinedWithNoAddedSpaces() throws Exception { // TXT-9
    assertThat(recordList(await(dns.txt("_mta-sts.split.example.test."))))
        .containsExactly("v=STSv1;id=split;");
    assertThat(recordList(await(dns.txt("_smtp._tls.example.test"))))
        .containsExactly("v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
  }

  @Test
  void mxRecordsAreFound() throws Exception {
    assertThat(recordList(await(dns.mx("example.test"))))
        .containsExactlyInAnyOrder(new MxRecord(10, "mx1.example.test"),
            new MxRecord(20, "mx2.example.test"));
  }

  @Test
  void nullMxIsFound() throws Exception {
    assertThat(recordList(await(dns.mx("nullmx.example.test"))))
        .containsExactly(new MxRecord(0, ""));
  }

  @Test
  void cnameDelegationToAProviderIsFollowed() throws Exception { // TXT-10
    DnsOutcome<String> outcome = await(dns.txt("_mta-sts.delegated.example.test"));

    assertThat(recordList(outcome)).containsExactly("v=STSv1; id=provider;");
    assertThat(records(outcome).cnameChain()).containsExactly("_mta-sts.customer.provider.test");
  }

  @Test
  void cnameWithinTheZoneIsFollowed() throws Exception { // TXT-10
    DnsOutcome<String> outcome = await(dns.txt("_mta-sts.inzone.example.test"));

    assertThat(recordList(outcome)).containsExactly("v=STSv1; id=inzone;");
    assertThat(records(outcome).cnameChain()).containsExactly("policy.example.test");
  }

  @Test
  void missingNameIsNoSuchName() throws Exception {
    assertThat(await(dns.txt("_mta-sts.missing.example.test")))
        .isEqualTo(new DnsOutcome.NoSuchName<>("_mta-sts.missing.example.test"));
  }

  @Test
  void missingNameAtTheEndOfACnameIsNoSuchName() throws Exception {
    assertThat(await(dns.txt("_mta-sts.dangling.example.test")))
        .isEqualTo(new DnsOutcome.NoSuchName<>("_mta-sts.dangling.example.test"));
  }

  @Test
  void nameWithoutTheTypeIsNoData() throws Exception {
    assertThat(await(dns.mx("nomx.example.test")))
        .isEqualTo(new DnsOutcome.NoData<>("nomx.example.test"));
    assertThat(await(dns.txt("mx1.example.test")))
        .isEqualTo(new DnsOutcome.NoData<>("mx1.example.test"));
  }

  @Test
  void cnameToANameWithoutTheTypeIsNoData() throws Exception {
    assertThat(await(dns.txt("_mta-sts.nodata.example.test")))
        .isEqualTo(new DnsOutcome.NoData<>("_mta-sts.nodata.example.test"));
  }

  @Test
  void cnameLoopIsATemporaryFailure() throws Exception { // TXT-10, SEC-3
    failure(await(dns.txt("loop1.example.test")), DnsFailure.CNAME_CHAIN);
  }

  @Test
  void fiftyRecordsArriveOverTcpAfterTruncation() throws Exception {
    List<String> records = recordList(await(dns.txt("_mta-sts.big.example.test")));

    assertThat(records).hasSize(50).contains("v=STSv1; id=big0;", "v=STSv1; id=big49;");
  }

  @Test
  void internationalizedNameIsAskedAsALabels() throws Exception {
    assertThat(recordList(await(dns.txt("_mta-sts.bücher.example.test"))))
        .containsExactly("v=STSv1; id=idn;");
  }

  @Test
  void zoneTheServerDoesNotServeIsRefused() throws Exception { // TXT-13
    failure(await(dns.txt("_mta-sts.example.org")), DnsFailure.REFUSED);
  }

  @Test
  void tcpOnlyLookupsWorkToo() throws Exception {
    DnsjavaLookup tcp = server.tcpOnly();

    assertThat(recordList(await(tcp.txt("_mta-sts.delegated.example.test"))))
        .containsExactly("v=STSv1; id=provider;");
    assertThat(await(tcp.mx("_mta-sts.missing.example.test")))
        .isInstanceOf(DnsOutcome.NoSuchName.class);
  }

  @Test
  void manyConcurrentLookupsAllSucceed() throws Exception {
    int n = 500;
    long start = System.nanoTime();
    List<CompletableFuture<DnsOutcome<String>>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = i % 2 == 0 ? "_mta-sts.example.test" : "_mta-sts.delegated.example.test";
      results.add(dns.txt(name).toCompletableFuture());
    }
    for (CompletableFuture<DnsOutcome<String>> r : results) {
      assertThat(recordList(await(r))).hasSize(1);
    }
    long micros = (System.nanoTime() - start) / 1_000;
    // Informal, not asserted: how long lookups take against a local knotd.
    LOG.info("{} concurrent TXT lookups (half through a CNAME) against knotd took {} ms", n,
        micros / 1_000);
    long sequentialStart = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      recordList(await(dns.txt("_mta-sts.example.test")));
    }
    LOG.info("100 sequential TXT lookups against knotd: {} µs each on average",
        (System.nanoTime() - sequentialStart) / 1_000 / 100);
  }
}
