package dev.mtasts.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The metrics overhead benchmark measures what it says: cached answers, counted only with the binder. */
class MetricsOverheadBenchmarkTest {

  private static MetricsOverheadBenchmark.Warm warm(String metrics) {
    MetricsOverheadBenchmark.Warm w = new MetricsOverheadBenchmark.Warm();
    w.domains = 1000;
    w.metrics = metrics;
    w.setUp();
    return w;
  }

  @Test
  @DisplayName("PFX-31: with the binder every warm resolve is a counted cache hit; without it nothing listens")
  void theMicrometerVariantCountsEveryCachedResolveAndTheOtherHasNoMetrics() {
    MetricsOverheadBenchmark b = new MetricsOverheadBenchmark();
    MetricsOverheadBenchmark.Warm with = warm("micrometer");
    MetricsOverheadBenchmark.Cursor cursor = new MetricsOverheadBenchmark.Cursor();
    cursor.setUp(with);
    SimpleMeterRegistry registry = with.registry;
    assertThat(registry).isNotNull();
    double before = registry.get("mtasts.cache.gets").tag("result", "hit").functionCounter().count();
    for (int i = 0; i < 5000; i++) {
      PolicyResolution r = b.resolve1Thread(with, cursor).toCompletableFuture().getNow(null);
      assertThat(r).isInstanceOfSatisfying(PolicyResolution.Active.class,
          a -> assertThat(a.source()).isEqualTo(PolicySource.CACHED));
    }
    assertThat(registry.get("mtasts.cache.gets").tag("result", "hit").functionCounter().count() - before)
        .isEqualTo(5000);
    assertThat(registry.get("mtasts.cache.size").gauge().value()).isEqualTo(1000);

    MetricsOverheadBenchmark.Warm without = warm("none");
    assertThat(without.registry).isNull();
    cursor.setUp(without);
    assertThat(b.resolve2Threads(without, cursor).toCompletableFuture().getNow(null))
        .isInstanceOf(PolicyResolution.Active.class);
  }
}
