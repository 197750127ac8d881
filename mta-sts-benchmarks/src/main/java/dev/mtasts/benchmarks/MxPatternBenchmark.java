package dev.mtasts.benchmarks;

import dev.mtasts.core.MxPattern;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** {@link MxPattern#matches(String)} over a mix of literal and wildcard patterns, hits and misses. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MxPatternBenchmark {
  /**
   * Pattern and host pairs: literal and wildcard, hits and misses, the way MX hosts look in DNS
   * (mixed case, a trailing root dot), and the near misses a wildcard must reject.
   */
  static final String[][] CASES = {
      {"mail.example.com", "mail.example.com"},
      {"mail.example.com", "MAIL.Example.com."},
      {"mail.example.com", "mail2.example.com"},
      {"mail.example.com", "mail.example.org"},
      {"*.mail.protection.outlook.com", "example-com.mail.protection.outlook.com."},
      {"*.mail.protection.outlook.com", "a.b.mail.protection.outlook.com"},
      {"*.mail.protection.outlook.com", "mail.protection.outlook.com"},
      {"*.aspmx.l.google.com", "alt1.aspmx.l.google.com."},
      {"aspmx.l.google.com", "ASPMX.L.GOOGLE.COM."},
      {"*.example.net", "mx1.example.org"},
      {"mx01.mail.icloud.com", "mx02.mail.icloud.com"},
      {"*.eu.mailgun.org", "mxa.eu.mailgun.org"},
      {"smtp.example.co.uk", "smtp.example.co.uk."},
      {"*.mx.example.net", "x.mx.example.net"},
      {"backup.example.net", "backup.example.ne"},
      {"*.example.de", "example.de"},
  };

  private final MxPattern[] patterns = new MxPattern[CASES.length];
  private final String[] hosts = new String[CASES.length];
  private int next;

  /** Builds the patterns. */
  public MxPatternBenchmark() {
    for (int i = 0; i < CASES.length; i++) {
      patterns[i] = MxPattern.of(CASES[i][0]);
      hosts[i] = CASES[i][1];
    }
  }

  /**
   * Matches the next pair.
   *
   * @return whether the host matched
   */
  @Benchmark
  public boolean matches() {
    int i = next;
    next = (i + 1) & (CASES.length - 1);
    return patterns[i].matches(hosts[i]);
  }
}
