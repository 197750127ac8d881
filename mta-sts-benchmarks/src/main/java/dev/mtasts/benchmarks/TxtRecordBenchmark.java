package dev.mtasts.benchmarks;

import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.TlsRptRecord;
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

/** {@code _mta-sts} and {@code _smtp._tls} TXT record parsing over the corpus's valid records. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TxtRecordBenchmark {
  private String[] stsRecords;
  private String[] tlsRptRecords;
  private int nextSts;
  private int nextTlsRpt;

  /** Creates the state; JMH calls {@link #setUp()} before measuring. */
  public TxtRecordBenchmark() {}

  /** Loads the corpus once per trial. */
  @Setup
  public void setUp() {
    BenchmarkCorpus corpus = BenchmarkCorpus.load();
    stsRecords = corpus.stsRecords().toArray(new String[0]);
    tlsRptRecords = corpus.tlsRptRecords().toArray(new String[0]);
    if (stsRecords.length == 0 || tlsRptRecords.length == 0) {
      throw new IllegalStateException("no valid TXT records in " + corpus.source());
    }
  }

  /**
   * Parses the next {@code _mta-sts} value.
   *
   * @return the record
   */
  @Benchmark
  public MtaStsRecord mtaStsRecord() {
    int i = nextSts;
    nextSts = i + 1 == stsRecords.length ? 0 : i + 1;
    return MtaStsRecord.parse(stsRecords[i]);
  }

  /**
   * Parses the next {@code _smtp._tls} value.
   *
   * @return the record
   */
  @Benchmark
  public TlsRptRecord tlsRptRecord() {
    int i = nextTlsRpt;
    nextTlsRpt = i + 1 == tlsRptRecords.length ? 0 : i + 1;
    return TlsRptRecord.parse(tlsRptRecords[i]);
  }
}
