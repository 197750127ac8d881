package dev.mtasts.resolver.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.testing.KnotServer;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DnsDaneDetector} end to end: knotd serves signed and unsigned copies of a DANE domain,
 * {@code DnsjavaLookup} validates in process from the signed zone's DS.
 */
@Timeout(120)
class DnsDaneDetectorIT {
  private static final String ZONE = """
      $TTL 300
      @ SOA ns hostmaster 1 3600 600 86400 300
      @ NS ns.example.
      @ MX 10 mx
      _25._tcp.mx TLSA 3 1 1 %s
      """.formatted("0123456789abcdef".repeat(4));

  private static KnotServer knot;
  private static ExecutorService executor;
  private static DaneDetector detector;

  @BeforeAll
  static void start() throws IOException {
    knot = KnotServer.start(
        Map.of("signed.test", ZONE, "unsigned.test", ZONE, "stripped.test", ZONE),
        Set.of("signed.test"));
    executor = Executors.newFixedThreadPool(2);
    String anchor = knot.trustAnchor("signed.test");
    DnsjavaLookup dns = DnsjavaLookup.builder().servers(knot.hostPort()).executor(executor)
        // stripped.test: the anchor says it is signed, the server serves it unsigned
        .dnssecTrustAnchors(anchor + anchor.replace("signed.test.", "stripped.test."))
        .build();
    detector = DnsDaneDetector.builder(dns).executor(executor).build();
  }

  @AfterAll
  static void stop() {
    if (knot != null) {
      knot.close();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private static DomainDane detect(String domain) throws Exception {
    return detector.detect(PolicyDomain.of(domain)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("APP-14: a signed zone with usable TLSA on its MX is PRESENT")
  void signedDaneDomainIsPresent() throws Exception {
    assertThat(detect("signed.test")).as(knot.log()).isEqualTo(DomainDane.PRESENT);
  }

  @Test
  @DisplayName("APP-15: the same records unsigned are ABSENT")
  void unsignedDomainIsAbsent() throws Exception {
    assertThat(detect("unsigned.test")).isEqualTo(DomainDane.ABSENT);
  }

  @Test
  @DisplayName("SEC-43: signatures stripped from a zone the anchor says is signed: UNKNOWN")
  void strippedZoneIsUnknown() throws Exception {
    assertThat(detect("stripped.test")).isEqualTo(DomainDane.UNKNOWN);
  }
}
