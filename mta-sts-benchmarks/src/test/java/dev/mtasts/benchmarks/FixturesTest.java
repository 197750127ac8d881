package dev.mtasts.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks measure real work: their inputs are valid, their fixtures hold what they claim,
 * and each benchmark method returns a meaningful result. No benchmark is run here.
 */
class FixturesTest {

  @Test
  void theCorpusHasValidPoliciesThatParseStrictlyAndLeniently() {
    BenchmarkCorpus corpus = BenchmarkCorpus.load();
    assertThat(corpus.policies()).as("valid policies in %s", corpus.source()).isNotEmpty();
    for (byte[] body : corpus.policies()) {
      assertThat(MtaStsPolicy.parse(body).mx().size() + 1).isPositive();
      assertThat(MtaStsPolicy.parseLenient(body).policy()).isEqualTo(MtaStsPolicy.parse(body));
    }
    assertThat(corpus.policyTexts()).hasSameSizeAs(corpus.policies())
        .allSatisfy(text -> assertThat(MtaStsPolicy.parse(text)).isNotNull());
  }

  @Test
  void theBuiltInSampleIsValidToo() {
    BenchmarkCorpus sample = BenchmarkCorpus.builtIn();
    assertThat(sample.policies()).hasSizeGreaterThanOrEqualTo(8)
        .allSatisfy(body -> assertThat(MtaStsPolicy.parse(body)).isNotNull());
    assertThat(sample.stsRecords()).allSatisfy(r -> assertThat(MtaStsRecord.parse(r)).isNotNull());
    assertThat(sample.tlsRptRecords()).allSatisfy(r -> assertThat(TlsRptRecord.parse(r).rua()).isNotEmpty());
  }

  @Test
  void theCorpusHasValidTxtRecords() {
    BenchmarkCorpus corpus = BenchmarkCorpus.load();
    assertThat(corpus.stsRecords()).isNotEmpty()
        .allSatisfy(r -> assertThat(MtaStsRecord.parse(r).id()).isNotEmpty());
    assertThat(corpus.tlsRptRecords()).isNotEmpty()
        .allSatisfy(r -> assertThat(TlsRptRecord.parse(r).rua()).isNotEmpty());
  }

  @Test
  void eachParseBenchmarkReturnsAPolicy() {
    PolicyParseBenchmark b = new PolicyParseBenchmark();
    b.setUp();
    MtaStsPolicy strict = b.strictBytes();
    assertThat(strict.version()).isEqualTo(MtaStsPolicy.VERSION);
    assertThat(b.strictText()).isNotNull();
    LenientPolicy lenient = b.lenientBytes();
    assertThat(lenient.policy()).isNotNull();
    assertThat(b.lenientText().policy()).isNotNull();

    TxtRecordBenchmark txt = new TxtRecordBenchmark();
    txt.setUp();
    assertThat(txt.mtaStsRecord().id()).isNotEmpty();
    assertThat(txt.tlsRptRecord().rua()).isNotEmpty();
  }

  @Test
  void theMxMixHasHitsAndMissesOfBothKinds() {
    MxPatternBenchmark b = new MxPatternBenchmark();
    int hits = 0;
    for (int i = 0; i < MxPatternBenchmark.CASES.length; i++) {
      hits += b.matches() ? 1 : 0;
    }
    // The benchmark wraps its index with a mask.
    assertThat(Integer.bitCount(MxPatternBenchmark.CASES.length)).isEqualTo(1);
    assertThat(hits).isBetween(4, MxPatternBenchmark.CASES.length - 4);
    assertThat(java.util.Arrays.stream(MxPatternBenchmark.CASES).map(c -> c[0]))
        .anySatisfy(p -> assertThat(p).startsWith("*."))
        .anySatisfy(p -> assertThat(p).doesNotStartWith("*."));
  }

  @Test
  void theResolverFixtureAnswersACachedPolicyForEveryDomain() {
    CachedResolver warm = CachedResolver.warm(1000);
    assertThat(warm.domains()).hasSize(1000);
    for (String domain : new String[] {warm.domains()[0], warm.domains()[500], warm.domains()[999]}) {
      PolicyResolution r = warm.resolver().resolve(domain).toCompletableFuture().join();
      assertThat(r).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
        assertThat(a.source()).isEqualTo(PolicySource.CACHED);
        assertThat(a.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
        assertThat(a.policy().mx()).hasSize(2);
        assertThat(a.policy().matches("mx1." + domain)).isTrue();
      });
    }
  }

  @Test
  void theHotPathBenchmarkReturnsCompleteCachedAnswers() {
    ResolverHotPathBenchmark.Cache cache = new ResolverHotPathBenchmark.Cache();
    cache.domains = 1000;
    cache.setUp();
    ResolverHotPathBenchmark.Cursor cursor = new ResolverHotPathBenchmark.Cursor();
    cursor.setUp(cache);
    ResolverHotPathBenchmark b = new ResolverHotPathBenchmark();
    CompletionStage<PolicyResolution> stage = b.resolve1Thread(cache, cursor);
    assertThat(stage.toCompletableFuture()).isCompletedWithValueMatching(
        r -> r instanceof PolicyResolution.Active a && a.source() == PolicySource.CACHED);
    assertThat(b.resolve2Threads(cache, cursor).toCompletableFuture()).isDone();
    assertThat(cache.order).hasSize(ResolverHotPathBenchmark.ORDER_LENGTH).doesNotContainNull();
    assertThat(new java.util.HashSet<>(java.util.Arrays.asList(cache.order))).hasSizeGreaterThan(900);
  }

  @Test
  void syntheticDomainNamesRoundTrip() {
    assertThat(BenchDomains.indexOf(BenchDomains.domain(0))).isZero();
    assertThat(BenchDomains.indexOf(BenchDomains.domain(123_456))).isEqualTo(123_456);
    assertThat(BenchDomains.indexOf("x1.bench.test")).isEqualTo(-1);
    assertThat(BenchDomains.indexOf("d.bench.test")).isEqualTo(-1);
    assertThat(MtaStsPolicy.parse(BenchDomains.policy(7)).mx()).hasSize(2);
  }

  @Test
  void theComputedDomainsServeWhatTheSyntheticDomainsPublish() {
    ComputedDomains computed = new ComputedDomains();
    dev.mtasts.core.dns.DnsOutcome<String> txt =
        computed.txt("_mta-sts." + BenchDomains.domain(42)).toCompletableFuture().join();
    assertThat(txt).isInstanceOf(dev.mtasts.core.dns.DnsOutcome.Records.class);
    assertThat(((dev.mtasts.core.dns.DnsOutcome.Records<String>) txt).records())
        .containsExactly(BenchDomains.STS_RECORD);
    assertThat(computed.txt("_mta-sts.example.com").toCompletableFuture().join())
        .isInstanceOf(dev.mtasts.core.dns.DnsOutcome.NoSuchName.class);
    assertThat(computed.fetch(dev.mtasts.core.PolicyDomain.of(BenchDomains.domain(42))).toCompletableFuture().join())
        .isInstanceOfSatisfying(dev.mtasts.core.fetch.PolicyFetchOutcome.Fetched.class,
            f -> assertThat(f.policy().mx()).hasSize(2));
  }

  @Test
  void theHeapFootprintCountsWhatEachCachedDomainRetains() {
    HeapFootprint.Footprint f = HeapFootprint.measure(2000);
    assertThat(f.domains()).isEqualTo(2000);
    // At least the policy text, the parsed policy, its two patterns and the map entry.
    assertThat(f.bytesPerDomain()).isGreaterThan(200);
    assertThat(f.byClass()).extracting(HeapFootprint.ClassShare::className)
        .contains("dev.mtasts.core.MxPattern", "dev.mtasts.resolver.store.StoredPolicy");
    assertThat(f.byClass()).filteredOn(c -> c.className().equals("dev.mtasts.core.MxPattern"))
        .singleElement().satisfies(c -> assertThat(c.objectsPerDomain()).isEqualTo(2.0));
  }

  @Test
  @DisplayName("SEC-45: a cached two-MX policy retains at most 600 bytes, each pattern a view on the kept body")
  void aCachedTwoMxPolicyRetainsAtMostTheTarget() {
    HeapFootprint.Footprint f = HeapFootprint.measure(5000);
    assertThat(f.bytesPerDomain()).isLessThanOrEqualTo(HeapFootprint.TARGET_BYTES);
    // Two strings per domain, its name and the body (the rest are the resolver's few shared
    // ones): the patterns hold no string of their own.
    assertThat(f.byClass()).filteredOn(c -> c.className().equals("java.lang.String"))
        .singleElement().satisfies(c -> assertThat(c.objectsPerDomain()).isBetween(2.0, 2.01));
  }

  @Test
  void aColdResolveWithTheFakesFetchesEveryDomain() {
    java.util.List<ColdResolve.Run> runs = ColdResolve.measureWithFakes(500, 1, 32, 2);
    assertThat(runs).singleElement().satisfies(r -> {
      assertThat(r.active()).isEqualTo(500);
      assertThat(r.domainsPerSecond()).isPositive();
    });
  }
}
