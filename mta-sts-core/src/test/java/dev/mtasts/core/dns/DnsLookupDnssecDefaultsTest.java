package dev.mtasts.core.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The DNSSEC additions of the SPI: an implementation written before them authenticates nothing. */
class DnsLookupDnssecDefaultsTest {
  /** An implementation of the three original methods only, as existing ones are. */
  private static final DnsLookup OLD = new DnsLookup() {
    @Override
    public CompletionStage<DnsOutcome<String>> txt(String name) {
      return CompletableFuture.completedFuture(new DnsOutcome.NoSuchName<>(name));
    }

    @Override
    public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
      return CompletableFuture.completedFuture(
          new DnsOutcome.Records<>(name, List.of(new MxRecord(10, "mx." + name)), List.of()));
    }

    @Override
    public CompletionStage<DnsOutcome<InetAddress>> addresses(String host) {
      return CompletableFuture.completedFuture(new DnsOutcome.NoSuchName<>(host));
    }
  };

  @Test
  @DisplayName("APP-19: the defaults answer NOT_VALIDATED: MX as mx(), TLSA as no data")
  void defaultsAuthenticateNothing() throws Exception {
    DnssecOutcome<MxRecord> mx = OLD.mxDnssec("example.com").toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertThat(mx.status()).isEqualTo(DnssecStatus.NOT_VALIDATED);
    assertThat(mx.authenticated()).isFalse();
    assertThat(mx.outcome()).isInstanceOf(DnsOutcome.Records.class);

    DnssecOutcome<TlsaRecord> tlsa = OLD.tlsa("mx.example.com", 25).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertThat(tlsa.status()).isEqualTo(DnssecStatus.NOT_VALIDATED);
    assertThat(tlsa.outcome()).isEqualTo(new DnsOutcome.NoData<>("_25._tcp.mx.example.com"));
  }

  @Test
  @DisplayName("APP-19: a failure is never secure; a DNSSEC_BOGUS failure is told apart")
  void failureIsNeverSecureAndBogusIsToldApart() {
    DnsOutcome<TlsaRecord> bogus = new DnsOutcome.TemporaryFailure<>("n", DnsFailure.DNSSEC_BOGUS,
        "bad signature", null);
    assertThatThrownBy(() -> new DnssecOutcome<>(bogus, DnssecStatus.SECURE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new DnssecOutcome<>(bogus, DnssecStatus.INSECURE).bogus()).isTrue();
    DnsOutcome<TlsaRecord> timeout = new DnsOutcome.TemporaryFailure<>("n", DnsFailure.TIMEOUT,
        "slow", null);
    assertThat(new DnssecOutcome<>(timeout, DnssecStatus.INSECURE).bogus()).isFalse();
    assertThat(new DnssecOutcome<>(new DnsOutcome.NoData<TlsaRecord>("n"), DnssecStatus.SECURE)
        .authenticated()).isTrue();
  }

  @Test
  void tlsaNameIsPortAndTcpBelowTheHost() {
    assertThat(DnsLookup.tlsaName("mx.example.com.", 25)).isEqualTo("_25._tcp.mx.example.com");
    assertThatThrownBy(() -> DnsLookup.tlsaName("mx.example.com", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
