package dev.mtasts.benchmarks;

import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Policy body parsing, strict and lenient, from bytes and from text, over the real-world corpus mix. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyParseBenchmark {
  private byte[][] bodies;
  private String[] texts;
  /** Cycles through the inputs so that no single input's branch profile dominates. */
  private int next;

  /** Creates the state; JMH calls {@link #setUp()} before measuring. */
  public PolicyParseBenchmark() {}

  /** Loads the corpus once per trial. */
  @Setup
  public void setUp() {
    BenchmarkCorpus corpus = BenchmarkCorpus.load();
    List<byte[]> b = corpus.policies();
    bodies = b.toArray(new byte[0][]);
    texts = corpus.policyTexts().toArray(new String[0]);
    if (bodies.length == 0) {
      throw new IllegalStateException("no valid policies in " + corpus.source());
    }
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == bodies.length ? 0 : i + 1;
    return i;
  }

  /**
   * Strict parse of the bytes as served.
   *
   * @return the policy
   */
  @Benchmark
  public MtaStsPolicy strictBytes() {
    return MtaStsPolicy.parse(bodies[nextIndex()]);
  }

  /**
   * Strict parse of the decoded text.
   *
   * @return the policy
   */
  @Benchmark
  public MtaStsPolicy strictText() {
    return MtaStsPolicy.parse(texts[nextIndex()]);
  }

  /**
   * Lenient (sender) parse of the bytes as served; what the fetcher does.
   *
   * @return the policy and its warnings
   */
  @Benchmark
  public LenientPolicy lenientBytes() {
    return MtaStsPolicy.parseLenient(bodies[nextIndex()]);
  }

  /**
   * Lenient parse of the decoded text; what a store does on load.
   *
   * @return the policy and its warnings
   */
  @Benchmark
  public LenientPolicy lenientText() {
    return MtaStsPolicy.parseLenient(texts[nextIndex()]);
  }
}
