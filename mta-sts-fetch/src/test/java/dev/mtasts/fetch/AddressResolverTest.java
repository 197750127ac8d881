package dev.mtasts.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.testing.FakeDnsLookup;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AddressResolverTest {

  @Test
  @DisplayName("FET-19: the default resolver blocks only on the executor it is given")
  void theSystemResolverRunsOnTheGivenExecutor() throws Exception {
    List<Runnable> tasks = new ArrayList<>();
    CompletableFuture<List<InetAddress>> localhost = AddressResolver.system(tasks::add).resolve("localhost")
        .toCompletableFuture();
    assertThat(localhost).isNotDone();
    assertThat(tasks).hasSize(1);

    tasks.get(0).run();
    assertThat(localhost.get(5, TimeUnit.SECONDS)).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
    assertThatNullPointerException().isThrownBy(() -> AddressResolver.system(null));
  }

  static final String HOST = "mta-sts.example.test";

  @Test
  @DisplayName("FET-20: addresses from a DnsLookup are the lookup's own, in its order")
  void aDnsLookupGivesItsAddressesInItsOrder() throws Exception {
    InetAddress six = InetAddress.getByName("::1");
    InetAddress four = InetAddress.getByName("127.0.0.9");
    FakeDnsLookup dns = FakeDnsLookup.create().putAddresses(HOST, four, six);
    List<InetAddress> found = AddressResolver.from(dns).resolve(HOST).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(found).containsExactly(six, four);
    assertThat(dns.addressQueries(HOST)).isEqualTo(1);
  }

  @Test
  @DisplayName("FET-20: NXDOMAIN, NODATA and a temporary failure become a host-not-found failure that says which")
  void noAddressBecomesAnUnknownHostThatSaysWhy() {
    InetAddress none = null;
    FakeDnsLookup dns = FakeDnsLookup.create()
        .putAddressOutcomes("nodata." + HOST, new DnsOutcome.NoData<>("nodata." + HOST),
            new DnsOutcome.NoData<>("nodata." + HOST))
        .failAddresses("slow." + HOST, DnsFailure.TIMEOUT);
    assertThat(none).isNull();
    assertUnknown(dns, HOST, HOST + " does not exist in DNS (NXDOMAIN)");
    assertUnknown(dns, "nodata." + HOST, "nodata." + HOST + " has no A or AAAA record");
    assertUnknown(dns, "slow." + HOST, "looking up the addresses of slow." + HOST + " failed (TIMEOUT): A: fake TIMEOUT");
    assertThatNullPointerException().isThrownBy(() -> AddressResolver.from(null));
  }

  private static void assertUnknown(FakeDnsLookup dns, String host, String message) {
    assertThatThrownBy(() -> AddressResolver.from(dns).resolve(host).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnknownHostException.class).hasMessage(message);
  }
}
