package dev.mtasts.cli.internal;

import static dev.mtasts.cli.ReportsCommandTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.owner.monitor.DailyReportCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monitor --reports DIR}: the inbox's daily counts are what the monitor reads. */
class InboxReportSourceTest {
  static final LocalDate D = LocalDate.of(2026, 4, 8);

  @Test
  @DisplayName("MON-38: the monitor's report source gives the inbox's sessions per day, within the range asked")
  void dailyCountsComeFromTheInbox(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 5; i++) {
      Files.writeString(dir.resolve("r" + i + ".json"),
          json("Sender", D.minusDays(i), "id" + i, 100 + i, i, "certificate-expired", "mx.example.org"));
    }
    // The same report-id again is counted once.
    Files.writeString(dir.resolve("dup.json"), json("Sender", D, "id0", 100, 0, "certificate-expired", "mx.example.org"));
    InboxReportSource source = new InboxReportSource(dir, false, null, Runnable::run);

    List<DailyReportCounts> days = new ArrayList<>(source.dailyCounts(PolicyDomain.of("example.org"), D.minusDays(2), D)
        .toCompletableFuture().get(30, TimeUnit.SECONDS));
    days.sort(Comparator.comparing(DailyReportCounts::day).reversed());

    assertThat(days).containsExactly(new DailyReportCounts(D, 100, 0), new DailyReportCounts(D.minusDays(1), 101, 1),
        new DailyReportCounts(D.minusDays(2), 102, 2));
    assertThat(source.dailyCounts(PolicyDomain.of("other.example"), D.minusDays(9), D)
        .toCompletableFuture().get(30, TimeUnit.SECONDS)).isEmpty();
  }
}
