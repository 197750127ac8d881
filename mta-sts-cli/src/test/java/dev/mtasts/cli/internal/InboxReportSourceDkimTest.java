package dev.mtasts.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.owner.monitor.DailyReportCounts;
import dev.mtasts.tlsrpt.dkim.DkimTestMails;
import dev.mtasts.tlsrpt.dkim.JdkimVerifier;
import dev.mtasts.tlsrpt.inbox.InboxReportSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code monitor --reports DIR --authenticated-only}: the monitor counts the mails whose DKIM passed. */
class InboxReportSourceDkimTest {
  static final LocalDate DAY = LocalDate.of(2026, 4, 1);

  static List<DailyReportCounts> counts(InboxReportSource source) throws Exception {
    return source.dailyCounts(PolicyDomain.of("example.org"), DAY, DAY).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("RPT-48 RPT-23: with a verifier, --authenticated-only counts the one passing mail of four; without, none")
  void theMonitorsSourceVerifiesDkim(@TempDir Path dir) throws Exception {
    DkimTestMails.maildir(dir);
    JdkimVerifier verifier = JdkimVerifier.create(DkimTestMails.fakeDns(), Duration.ofSeconds(10));
    assertThat(counts(InboxReportSource.builder(dir).authenticatedOnly(true).dkimVerifier(verifier)
        .executor(Runnable::run).build()))
        .containsExactly(new DailyReportCounts(DAY, 10, 0));
    assertThat(counts(InboxReportSource.builder(dir).authenticatedOnly(true).executor(Runnable::run).build())).isEmpty();
  }
}
