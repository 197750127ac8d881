package dev.mtasts.tlsrpt.inbox;

import static dev.mtasts.tlsrpt.inbox.InboxFixtures.mail;
import static dev.mtasts.tlsrpt.inbox.InboxFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.owner.monitor.DailyReportCounts;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.tlsrpt.ReportJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's report source over an inbox: the inbox's daily counts are what the monitor reads. */
class InboxReportSourceTest {
  static final LocalDate D = LocalDate.of(2026, 4, 8);
  static final PolicyDomain DOMAIN = PolicyDomain.of("example.org");

  @TempDir
  Path dir;

  void submission(String id, LocalDate day, long ok, long failed) throws IOException {
    InboxFixtures.submission(dir, id, day, ok, failed);
  }

  static List<DailyReportCounts> get(InboxReportSource source, LocalDate from, LocalDate to) throws Exception {
    return source.dailyCounts(DOMAIN, from, to).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("RPT-55: the report source judges report dates by the clock it is given, not the system's")
  void judgesReportDatesByItsClock() throws Exception {
    LocalDate later = LocalDate.of(2100, 1, 1);
    submission("later", later, 100, 1);
    java.time.InstantSource at = java.time.InstantSource.fixed(later.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC));

    assertThat(get(InboxReportSource.builder(dir).executor(Runnable::run).clock(at).build(), later, later))
        .containsExactly(new DailyReportCounts(later, 100, 1));
    assertThat(get(InboxReportSource.builder(dir).executor(Runnable::run).build(), later, later)).isEmpty();
  }

  @Test
  @DisplayName("MON-38: the monitor's report source gives the inbox's sessions per day, within the range asked")
  void dailyCountsComeFromTheInbox() throws Exception {
    for (int i = 0; i < 5; i++) {
      submission("id" + i, D.minusDays(i), 100 + i, i);
    }
    // The same report-id again is counted once.
    Files.write(dir.resolve("dup.json"), ReportJson.toJson(report("Sender", "tlsrpt@sender.example", D, "id0", 100, 0,
        "certificate-expired", "mx.example.org")));
    InboxReportSource source = InboxReportSource.builder(dir).executor(Runnable::run).build();

    assertThat(get(source, D.minusDays(2), D)).containsExactly(new DailyReportCounts(D.minusDays(2), 102, 2),
        new DailyReportCounts(D.minusDays(1), 101, 1), new DailyReportCounts(D, 100, 0));
    assertThat(source.dailyCounts(PolicyDomain.of("other.example"), D.minusDays(9), D)
        .toCompletableFuture().get(30, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  @DisplayName("MON-43: authenticated only counts HTTPS submissions and mails whose DKIM signature passed")
  void authenticatedOnlyCountsWhatRfc8460Allows() throws Exception {
    submission("https1", D, 100, 0);
    Files.write(dir.resolve("signed.eml"), mail(report("Mailer", "tlsrpt@mail.sender.example", D, "m1", 50, 5,
        "certificate-expired", "mx.example.org")));

    assertThat(get(InboxReportSource.builder(dir).authenticatedOnly(true).executor(Runnable::run).build(), D, D))
        .containsExactly(new DailyReportCounts(D, 100, 0));
    assertThat(get(InboxReportSource.builder(dir).executor(Runnable::run).build(), D, D))
        .containsExactly(new DailyReportCounts(D, 150, 5));
    DkimVerifier passes = message -> new DkimResult(DkimResult.Status.PASS, "mail.sender.example", "pass");
    assertThat(get(InboxReportSource.builder(dir).authenticatedOnly(true).dkimVerifier(passes).executor(Runnable::run)
        .build(), D, D))
        .containsExactly(new DailyReportCounts(D, 150, 5));
  }

  @Test
  @DisplayName("MON-43: a missing inbox or a refused executor fails the stage; nothing is thrown to the monitor")
  void neverThrowsOutOfTheStage() {
    CompletableFuture<List<DailyReportCounts>> missing = InboxReportSource.builder(dir.resolve("missing"))
        .executor(Runnable::run).build().dailyCounts(DOMAIN, D, D).toCompletableFuture();
    assertThat(missing).isCompletedExceptionally();
    // The monitor logs the cause's message: words, no Java class name.
    assertThat(missing.handle((v, t) -> t.getCause().getMessage()).join()).contains("cannot read the reports in")
        .doesNotContain("Exception");

    CompletableFuture<List<DailyReportCounts>> refused = InboxReportSource.builder(dir).executor(task -> {
      throw new RejectedExecutionException("shut down");
    }).build().dailyCounts(DOMAIN, D, D).toCompletableFuture();
    assertThat(refused).isCompletedExceptionally();
  }

  @Test
  @DisplayName("MON-43: the inbox is read once however many queries come within the re-read period")
  void readsTheInboxOncePerPeriod() throws Exception {
    submission("first", D, 100, 0);
    InboxReportSource source = InboxReportSource.builder(dir).executor(Runnable::run).build();
    assertThat(get(source, D, D)).containsExactly(new DailyReportCounts(D, 100, 0));
    submission("second", D, 100, 0);
    // Queries for the next domains of the same round answer from the same read.
    assertThat(get(source, D, D)).containsExactly(new DailyReportCounts(D, 100, 0));
    assertThat(get(InboxReportSource.builder(dir).executor(Runnable::run).build(), D, D))
        .containsExactly(new DailyReportCounts(D, 200, 0));
  }

  @Test
  @DisplayName("MON-43: the re-read period is measured on the injected ticker")
  void readsAgainOnceTheTickerPassesThePeriod() throws Exception {
    ManualClock clock = ManualClock.at(java.time.Instant.parse("2026-04-09T00:00:00Z"));
    InboxReportSource source = InboxReportSource.builder(dir).executor(Runnable::run).ticker(clock.ticker())
        .rereadAfter(java.time.Duration.ofMinutes(5)).build();
    submission("first", D, 100, 0);
    assertThat(get(source, D, D)).containsExactly(new DailyReportCounts(D, 100, 0));
    submission("second", D, 100, 0);
    clock.advance(java.time.Duration.ofMinutes(4));
    assertThat(get(source, D, D)).containsExactly(new DailyReportCounts(D, 100, 0));
    clock.advance(java.time.Duration.ofMinutes(1));
    assertThat(get(source, D, D)).containsExactly(new DailyReportCounts(D, 200, 0));
  }

  @Test
  @DisplayName("MON-43: the builder's options are set once, the executor is required")
  void theBuilderFailsFast() {
    assertThatThrownBy(() -> InboxReportSource.builder(dir).build()).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("executor");
    assertThatThrownBy(() -> InboxReportSource.builder(dir).authenticatedOnly(true).authenticatedOnly(false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> InboxReportSource.builder(dir).rereadAfter(java.time.Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
