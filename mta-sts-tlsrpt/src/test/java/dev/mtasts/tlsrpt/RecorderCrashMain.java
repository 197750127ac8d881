package dev.mtasts.tlsrpt;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Run in a child JVM by {@link RecorderCrashTest}: restores a recorder from a state directory and
 * records session after session of a fixed sequence, flushing after each batch. Before a batch it
 * prints {@code A <n>} (sessions 0 to n-1 will have been attempted), after the flush
 * {@code F <n>} (sessions 0 to n-1 are durable).
 */
public final class RecorderCrashMain {
  /** The day of session 0; the sequence moves to the next day every {@value #PER_DAY} sessions. */
  static final LocalDate FIRST_DAY = LocalDate.of(2026, 6, 1);
  static final int PER_DAY = 20_000;
  static final int MAX_OPEN_DAYS = 30;
  private static final TlsRptResultType[] TYPES = {TlsRptResultType.CERTIFICATE_EXPIRED,
      TlsRptResultType.STARTTLS_NOT_SUPPORTED, TlsRptResultType.VALIDATION_FAILURE};

  private RecorderCrashMain() {}

  static Instant time(long i) {
    return FIRST_DAY.plusDays(i / PER_DAY).atStartOfDay().toInstant(ZoneOffset.UTC).plusMillis(i % PER_DAY);
  }

  private static final ReportPolicy[] POLICIES = new ReportPolicy[40];

  static {
    for (int d = 0; d < POLICIES.length; d++) {
      String domain = "d" + d + ".example";
      POLICIES[d] = d == 7 ? ReportPolicy.noPolicyFound(PolicyDomain.of(domain)) : TestSupport.stsPolicy(domain);
    }
  }

  static ReportPolicy policy(long i) {
    return POLICIES[(int) (i % POLICIES.length)];
  }

  static SessionOutcome outcome(long i) {
    if (i % 4 != 0) {
      return SessionOutcome.success();
    }
    return SessionOutcome.failure(TYPES[(int) (i / 4 % 3)]).receivingMxHostname("mx" + (i % 5) + ".example").build();
  }

  /** The key a session is counted under in {@link #counts(TlsRptRecorder)}. */
  static String key(long i) {
    String base = time(i).atZone(ZoneOffset.UTC).toLocalDate() + " " + policy(i).policyDomain() + " "
        + policy(i).policyType();
    return outcome(i) instanceof SessionOutcome.Failure f
        ? base + " " + f.resultType().token() + " " + f.receivingMxHostname() : base + " success";
  }

  /** The counts of a recorder, under the keys of {@link #key(long)}. */
  static Map<String, Long> counts(TlsRptRecorder r) {
    Map<String, Long> out = new TreeMap<>();
    for (DailyAggregate a : r.snapshot()) {
      for (PolicyReport p : a.policies()) {
        String base = a.day() + " " + p.policy().policyDomain() + " " + p.policy().policyType();
        if (p.totalSuccessfulSessionCount() > 0) {
          out.put(base + " success", p.totalSuccessfulSessionCount());
        }
        for (FailureDetail d : p.failureDetails()) {
          out.put(base + " " + d.resultType() + " " + d.receivingMxHostname(), d.failedSessionCount());
        }
      }
    }
    return out;
  }

  /**
   * Records forever.
   *
   * @param args the state directory and the number of the first session to record
   */
  public static void main(String[] args) {
    long next = Long.parseLong(args[1]);
    TestSupport.MutableClock clock = new TestSupport.MutableClock(time(next));
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).maxOpenDays(MAX_OPEN_DAYS)
        .stateDirectory(Path.of(args[0])).build();
    Random random = new Random(next);
    while (true) {
      // A batch stays within a day, so that each flush writes one file and the saved state is
      // always the counts of a prefix of the sequence (a flush that writes two days is atomic per day).
      long end = Math.min(next + 1 + random.nextInt(300), (next / PER_DAY + 1) * PER_DAY);
      System.out.println("A " + end);
      System.out.flush();
      for (; next < end; next++) {
        clock.set(time(next));
        recorder.record(policy(next), outcome(next));
      }
      recorder.flush();
      System.out.println("F " + end);
      System.out.flush();
    }
  }
}
