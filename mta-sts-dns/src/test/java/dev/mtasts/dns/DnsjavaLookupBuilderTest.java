package dev.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsjavaLookupBuilderTest {

  @ParameterizedTest
  @CsvSource({
      "127.0.0.1, 127.0.0.1, 53",
      "127.0.0.1:5353, 127.0.0.1, 5353",
      "' 127.0.0.1:54 ', 127.0.0.1, 54",
      "[::1], 0:0:0:0:0:0:0:1, 53",
      "[::1]:5353, 0:0:0:0:0:0:0:1, 5353",
      "::1, 0:0:0:0:0:0:0:1, 53"})
  void serversAreParsedFromHostAndPort(String text, String address, int port) {
    InetSocketAddress parsed = DnsjavaLookup.Builder.parseServer(text);

    assertThat(parsed.getAddress().getHostAddress()).isEqualTo(address);
    assertThat(parsed.getPort()).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ":53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
      "127.0.0.1:x", "[::1", "[::1]53", "[]:53", "no-such-host.invalid"})
  void unusableServersAreRefused(String text) {
    assertThatThrownBy(() -> DnsjavaLookup.Builder.parseServer(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("null");
  }

  @Test
  void emptyServerListIsRefused() {
    assertThatThrownBy(() -> DnsjavaLookup.builder().servers())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> DnsjavaLookup.builder()
        .servers(List.of(InetSocketAddress.createUnresolved("dns.example", 53))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
  }

  @Test
  void everyOptionCanBeSetOnlyOnce() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      DnsjavaLookup.Builder b = DnsjavaLookup.builder()
          .servers("127.0.0.1")
          .queryTimeout(Duration.ofSeconds(1))
          .deadline(Duration.ofSeconds(3))
          .attemptsPerServer(1)
          .maxCnameChain(4)
          .maxAnswerSize(4096)
          .maxRecords(20)
          .maxAddresses(5)
          .tcpOnly()
          .executor(Runnable::run)
          .scheduler(scheduler);

      List<Runnable> again = List.of(
          () -> b.servers("127.0.0.2"),
          () -> b.servers(List.of(new InetSocketAddress("127.0.0.2", 53))),
          () -> b.queryTimeout(Duration.ofSeconds(1)),
          () -> b.deadline(Duration.ofSeconds(3)),
          () -> b.attemptsPerServer(1),
          () -> b.maxCnameChain(4),
          () -> b.maxAnswerSize(4096),
          () -> b.maxRecords(20),
          () -> b.maxAddresses(5),
          b::tcpOnly,
          () -> b.executor(Runnable::run),
          () -> b.scheduler(scheduler));
      for (Runnable r : again) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("already set");
      }
      assertThat(b.build().toString()).contains("127.0.0.1", "PT1S", "PT3S", "maxCnameChain=4",
          "maxAnswerSize=4096", "maxRecords=20", "maxAddresses=5", "transport=TCP");
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void outOfRangeValuesAreRefused() {
    List<Runnable> bad = List.of(
        () -> DnsjavaLookup.builder().queryTimeout(Duration.ZERO),
        () -> DnsjavaLookup.builder().deadline(Duration.ofMillis(-1)),
        () -> DnsjavaLookup.builder().attemptsPerServer(0),
        () -> DnsjavaLookup.builder().attemptsPerServer(11),
        () -> DnsjavaLookup.builder().maxCnameChain(0),
        () -> DnsjavaLookup.builder().maxCnameChain(33),
        () -> DnsjavaLookup.builder().maxAnswerSize(511),
        () -> DnsjavaLookup.builder().maxAnswerSize(65_536),
        () -> DnsjavaLookup.builder().maxRecords(0),
        () -> DnsjavaLookup.builder().maxRecords(10_001),
        () -> DnsjavaLookup.builder().maxAddresses(0),
        () -> DnsjavaLookup.builder().maxAddresses(1_001));
    for (Runnable r : bad) {
      assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void deadlineShorterThanTheQueryTimeoutIsRefused() {
    DnsjavaLookup.Builder b = DnsjavaLookup.builder().servers("127.0.0.1")
        .queryTimeout(Duration.ofSeconds(3)).deadline(Duration.ofSeconds(2));

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("deadline");
  }

  @Test
  void defaultsUseTheSystemResolversAndDocumentedBounds() {
    String text = DnsjavaLookup.builder().build().toString();

    assertThat(text).contains("queryTimeout=PT2S", "deadline=PT5S", "attemptsPerServer=2",
        "maxCnameChain=8", "maxAnswerSize=16384", "maxRecords=100",
        "maxAddresses=32", "transport=UDP, TCP on truncation");
    assertThat(text).doesNotContain("servers=[]");
  }
}
