package dev.mtasts.core.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How the AAAA and A outcomes of one host become the outcome of {@link DnsLookup#addresses}
 * (APP-11, proposed: addresses of a host, RFC 8305 §3 and §4).
 */
@DisplayName("APP-11: A and AAAA outcomes combine into one address outcome")
class AddressOutcomesTest {
  private static final String HOST = "mta-sts.example.com";

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static DnsOutcome<InetAddress> found(String... literals) {
    return new DnsOutcome.Records<>(HOST,
        java.util.Arrays.stream(literals).map(AddressOutcomesTest::ip).toList(), List.of());
  }

  private static DnsOutcome<InetAddress> servfail() {
    return new DnsOutcome.TemporaryFailure<>(HOST, DnsFailure.SERVFAIL, "servfail", null);
  }

  private static List<InetAddress> addresses(DnsOutcome<InetAddress> outcome) {
    assertThat(outcome).isInstanceOf(DnsOutcome.Records.class);
    return ((DnsOutcome.Records<InetAddress>) outcome).records();
  }

  @Test
  void familiesAreInterleavedIpv6First() {
    DnsOutcome<InetAddress> outcome = AddressOutcomes.combine(HOST,
        found("2001:db8::1", "2001:db8::2"), found("192.0.2.1", "192.0.2.2", "192.0.2.3"), 32);

    assertThat(addresses(outcome)).containsExactly(ip("2001:db8::1"), ip("192.0.2.1"),
        ip("2001:db8::2"), ip("192.0.2.2"), ip("192.0.2.3"));
    assertThat(outcome.name()).isEqualTo(HOST);
  }

  @Test
  void oneFamilyAloneIsEnough() {
    assertThat(addresses(AddressOutcomes.combine(HOST, new DnsOutcome.NoData<>(HOST),
        found("192.0.2.1"), 32))).containsExactly(ip("192.0.2.1"));
    assertThat(addresses(AddressOutcomes.combine(HOST, found("2001:db8::1"),
        new DnsOutcome.NoData<>(HOST), 32))).containsExactly(ip("2001:db8::1"));
  }

  @Test
  void addressesPastTheBoundAreDroppedInInterleavedOrder() {
    DnsOutcome<InetAddress> outcome = AddressOutcomes.combine(HOST,
        found("2001:db8::1", "2001:db8::2"), found("192.0.2.1", "192.0.2.2"), 3);

    assertThat(addresses(outcome))
        .containsExactly(ip("2001:db8::1"), ip("192.0.2.1"), ip("2001:db8::2"));
  }

  @Test
  void duplicatesAreRemoved() {
    assertThat(addresses(AddressOutcomes.combine(HOST, new DnsOutcome.NoData<>(HOST),
        found("192.0.2.1", "192.0.2.1", "192.0.2.2"), 32)))
        .containsExactly(ip("192.0.2.1"), ip("192.0.2.2"));
  }

  @Test
  void aFailureOfOneFamilyDoesNotHideTheOthersAddresses() {
    assertThat(addresses(AddressOutcomes.combine(HOST, servfail(), found("192.0.2.1"), 32)))
        .containsExactly(ip("192.0.2.1"));
    assertThat(addresses(AddressOutcomes.combine(HOST, found("2001:db8::1"), servfail(), 32)))
        .containsExactly(ip("2001:db8::1"));
  }

  @Test
  void aFailureWithoutAddressesIsATemporaryFailureNeverNoData() { // SEC-3
    DnsOutcome<InetAddress> outcome =
        AddressOutcomes.combine(HOST, servfail(), new DnsOutcome.NoSuchName<>(HOST), 32);

    assertThat(outcome).isInstanceOfSatisfying(DnsOutcome.TemporaryFailure.class, f -> {
      assertThat(f.reason()).isEqualTo(DnsFailure.SERVFAIL);
      assertThat(f.message()).startsWith("AAAA: ");
    });
    assertThat(AddressOutcomes.combine(HOST, new DnsOutcome.NoData<>(HOST),
        new DnsOutcome.TemporaryFailure<>(HOST, DnsFailure.TIMEOUT, "late", null), 32))
        .isInstanceOfSatisfying(DnsOutcome.TemporaryFailure.class,
            f -> assertThat(f.reason()).isEqualTo(DnsFailure.TIMEOUT));
  }

  @Test
  void whenBothFailTheAQueryFailureIsReported() {
    DnsOutcome<InetAddress> outcome = AddressOutcomes.combine(HOST, servfail(),
        new DnsOutcome.TemporaryFailure<>(HOST, DnsFailure.REFUSED, "refused", null), 32);

    assertThat(outcome).isInstanceOfSatisfying(DnsOutcome.TemporaryFailure.class,
        f -> assertThat(f.reason()).isEqualTo(DnsFailure.REFUSED));
  }

  @Test
  void nxdomainForBothIsNoSuchNameAndAnyNodataIsNoData() {
    assertThat(AddressOutcomes.combine(HOST, new DnsOutcome.NoSuchName<>(HOST),
        new DnsOutcome.NoSuchName<>(HOST), 32)).isEqualTo(new DnsOutcome.NoSuchName<>(HOST));
    assertThat(AddressOutcomes.combine(HOST, new DnsOutcome.NoData<>(HOST),
        new DnsOutcome.NoData<>(HOST), 32)).isEqualTo(new DnsOutcome.NoData<>(HOST));
    assertThat(AddressOutcomes.combine(HOST, new DnsOutcome.NoSuchName<>(HOST),
        new DnsOutcome.NoData<>(HOST), 32)).isEqualTo(new DnsOutcome.NoData<>(HOST));
  }

  @Test
  void theCnameChainOfTheFirstFamilyWithAddressesIsReported() {
    DnsOutcome<InetAddress> six = new DnsOutcome.Records<>(HOST, List.of(ip("2001:db8::1")),
        List.of("v6.cdn.example"));
    DnsOutcome<InetAddress> four = new DnsOutcome.Records<>(HOST, List.of(ip("192.0.2.1")),
        List.of("v4.cdn.example"));

    assertThat(((DnsOutcome.Records<InetAddress>) AddressOutcomes.combine(HOST, six, four, 32))
        .cnameChain()).containsExactly("v6.cdn.example");
    assertThat(((DnsOutcome.Records<InetAddress>) AddressOutcomes.combine(HOST,
        new DnsOutcome.NoData<>(HOST), four, 32)).cnameChain()).containsExactly("v4.cdn.example");
  }

  @Test
  void aBoundBelowOneIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> AddressOutcomes.combine(HOST,
        found("192.0.2.1"), found("192.0.2.2"), 0));
  }
}
