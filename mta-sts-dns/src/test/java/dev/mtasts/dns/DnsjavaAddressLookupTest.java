package dev.mtasts.dns;

import static dev.mtasts.dns.FakeZone.address;
import static dev.mtasts.dns.FakeZone.cname;
import static dev.mtasts.dns.FakeZone.txt;
import static dev.mtasts.dns.OutcomeAssertions.await;
import static dev.mtasts.dns.OutcomeAssertions.failure;
import static dev.mtasts.dns.OutcomeAssertions.recordList;
import static dev.mtasts.dns.OutcomeAssertions.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.dns.FakeDnsServer.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@link DnsjavaLookup#addresses(String)} against the in-process DNS server: A and AAAA asked
 * together and combined (APP-11, proposed: RFC 8305 §3, §4), with the outcomes and bounds of the
 * other lookups (TXT-10, TXT-13, SEC-3, SEC-8).
 */
@Timeout(60)
@DisplayName("APP-11: address lookups (A and AAAA) through DnsjavaLookup")
class DnsjavaAddressLookupTest {
  private static final String HOST = "mta-sts.example.";

  private static ExecutorService executor;

  @BeforeAll
  static void startExecutor() {
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "address-test");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stopExecutor() {
    executor.shutdownNow();
  }

  private static DnsjavaLookup.Builder builder(FakeDnsServer server) {
    return DnsjavaLookup.builder().servers(server.hostPort()).executor(executor);
  }

  private static DnsjavaLookup lookup(FakeDnsServer server) {
    return builder(server).build();
  }

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal); // a literal: no lookup
  }

  private static List<String> literals(DnsOutcome<InetAddress> outcome) {
    return recordList(outcome).stream().map(InetAddress::getHostAddress).toList();
  }

  @Test
  void aRecordsAloneAreTheAddresses() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing()
        .add(address(HOST, "192.0.2.1"), address(HOST, "192.0.2.2")))) {
      assertThat(recordList(await(lookup(server).addresses("mta-sts.example"))))
          .containsExactly(ip("192.0.2.1"), ip("192.0.2.2"));
      assertThat(server.queries()).extracting(q -> q.getQuestion().getType())
          .containsExactlyInAnyOrder(Type.A, Type.AAAA);
    }
  }

  @Test
  void aaaaRecordsAloneAreTheAddresses() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing()
        .add(address(HOST, "2001:db8::1")))) {
      assertThat(recordList(await(lookup(server).addresses(HOST))))
          .containsExactly(ip("2001:db8::1"));
    }
  }

  @Test
  void bothFamiliesAreInterleavedIpv6First() throws Exception { // RFC 8305 §4
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(
        address(HOST, "192.0.2.1"), address(HOST, "192.0.2.2"), address(HOST, "192.0.2.3"),
        address(HOST, "2001:db8::1"), address(HOST, "2001:db8::2")))) {
      assertThat(literals(await(lookup(server).addresses(HOST)))).containsExactly(
          "2001:db8:0:0:0:0:0:1", "192.0.2.1", "2001:db8:0:0:0:0:0:2", "192.0.2.2", "192.0.2.3");
    }
  }

  @Test
  void addressesCarryTheQueriedNameSoNoReverseLookupHappens() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing()
        .add(address(HOST, "192.0.2.1")))) {
      assertThat(recordList(await(lookup(server).addresses("MTA-STS.Example."))))
          .singleElement()
          .satisfies(a -> assertThat(a.getHostName()).isEqualTo("mta-sts.example"));
    }
  }

  @Test
  void nxdomainIsNoSuchName() throws Exception { // TXT-13
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing()
        .add(address("other.example.", "192.0.2.1")))) {
      assertThat(await(lookup(server).addresses(HOST)))
          .isEqualTo(new DnsOutcome.NoSuchName<>(HOST));
    }
  }

  @Test
  void aNameWithoutAddressesIsNoData() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(txt(HOST, "x")))) {
      assertThat(await(lookup(server).addresses(HOST))).isEqualTo(new DnsOutcome.NoData<>(HOST));
    }
  }

  @Test
  void servfailForAaaaStillGivesTheARecords() throws Exception { // RFC 8305 §3
    FakeZone zone = FakeZone.chasing().add(address(HOST, "192.0.2.1"));
    try (FakeDnsServer server = FakeDnsServer.start((q, t) ->
        q.getQuestion().getType() == Type.AAAA
            ? new FakeDnsServer.Answer(FakeDnsServer.response(q, Rcode.SERVFAIL))
            : zone.reply(q, t))) {
      assertThat(recordList(await(lookup(server).addresses(HOST)))).containsExactly(ip("192.0.2.1"));
    }
  }

  @Test
  void servfailForOneFamilyWithoutAddressesInTheOtherIsATemporaryFailure() throws Exception {
    // SEC-3: never "no address" while a query failed
    FakeZone zone = FakeZone.chasing().add(txt(HOST, "x"));
    try (FakeDnsServer server = FakeDnsServer.start((q, t) ->
        q.getQuestion().getType() == Type.A
            ? new FakeDnsServer.Answer(FakeDnsServer.response(q, Rcode.SERVFAIL))
            : zone.reply(q, t))) {
      DnsOutcome.TemporaryFailure<?> f = failure(await(lookup(server).addresses(HOST)),
          DnsFailure.SERVFAIL);
      assertThat(f.name()).isEqualTo(HOST);
      assertThat(f.message()).startsWith("A: ");
    }
  }

  @Test
  void silenceIsATimeout() throws Exception { // TXT-13
    try (FakeDnsServer server = FakeDnsServer.silent()) {
      DnsjavaLookup lookup = builder(server).queryTimeout(java.time.Duration.ofMillis(100))
          .deadline(java.time.Duration.ofMillis(300)).build();

      failure(await(lookup.addresses(HOST)), DnsFailure.TIMEOUT);
    }
  }

  @Test
  void cnameChainsAreFollowedAndReported() throws Exception { // TXT-10
    FakeZone zone = FakeZone.notChasing().add(cname(HOST, "host.cdn.example."),
        address("host.cdn.example.", "192.0.2.7"), address("host.cdn.example.", "2001:db8::7"));
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      DnsOutcome<InetAddress> outcome = await(lookup(server).addresses(HOST));

      assertThat(recordList(outcome)).containsExactly(ip("2001:db8::7"), ip("192.0.2.7"));
      assertThat(records(outcome).cnameChain()).containsExactly("host.cdn.example");
      assertThat(recordList(outcome)).allSatisfy(
          a -> assertThat(a.getHostName()).isEqualTo("mta-sts.example"));
    }
  }

  @Test
  void aCnameLoopIsATemporaryFailure() throws Exception { // TXT-10
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.notChasing()
        .add(cname(HOST, "loop.example."), cname("loop.example.", HOST)))) {
      failure(await(lookup(server).addresses(HOST)), DnsFailure.CNAME_CHAIN);
    }
  }

  @Test
  void addressesPastMaxAddressesAreDropped() throws Exception { // SEC-8
    FakeZone zone = FakeZone.chasing();
    for (int i = 1; i <= 5; i++) {
      zone.add(address(HOST, "192.0.2." + i), address(HOST, "2001:db8::" + i));
    }
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      assertThat(literals(await(builder(server).maxAddresses(3).build().addresses(HOST))))
          .containsExactly("2001:db8:0:0:0:0:0:1", "192.0.2.1", "2001:db8:0:0:0:0:0:2");
      assertThat(recordList(await(lookup(server).addresses(HOST)))).hasSize(10);
    }
  }

  @Test
  void aFamilyOverMaxRecordsFailsLikeAnyOtherAnswer() throws Exception { // SEC-8
    FakeZone zone = FakeZone.chasing().add(address(HOST, "2001:db8::1"));
    for (int i = 1; i <= 11; i++) {
      zone.add(address(HOST, "192.0.2." + i));
    }
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      // The A answer is refused as too large; the AAAA answer alone is still usable.
      assertThat(recordList(await(builder(server).maxRecords(10).build().addresses(HOST))))
          .containsExactly(ip("2001:db8::1"));
      assertThat(server.count(Transport.UDP)).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void invalidAndNullNamesFailTheStageAndSendNothing() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.silent()) {
      DnsjavaLookup lookup = lookup(server);
      String nothing = null;
      for (String name : Arrays.asList("a..example", "exa*mple", nothing)) {
        CompletableFuture<DnsOutcome<InetAddress>> result =
            lookup.addresses(name).toCompletableFuture();
        assertThat(result.handle((o, e) -> e).get()).isInstanceOfAny(
            IllegalArgumentException.class, NullPointerException.class);
      }
      assertThat(server.queries()).isEmpty();
    }
  }

  @Test
  void theStageCompletesOnTheConfiguredExecutor() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    FakeZone zone = FakeZone.chasing().add(address(HOST, "192.0.2.1"));
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      release.await();
      return zone.reply(q, t);
    })) {
      CompletableFuture<String> thread = lookup(server).addresses(HOST)
          .thenApply(outcome -> Thread.currentThread().getName()).toCompletableFuture();
      release.countDown();

      assertThat(thread.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("address-test");
    }
  }
}
