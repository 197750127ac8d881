package dev.mtasts.resolver.store;

import static dev.mtasts.resolver.store.FilePolicyStoreTest.BODY;
import static dev.mtasts.resolver.store.FilePolicyStoreTest.DOMAIN;
import static dev.mtasts.resolver.store.FilePolicyStoreTest.T0;
import static dev.mtasts.resolver.store.FilePolicyStoreTest.entry;
import static dev.mtasts.resolver.store.FilePolicyStoreTest.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files in the store's directory that the store did not write, or wrote under another clock: none
 * may hang a load, lead a read out of the directory, fail a round or defer a domain (issue 12).
 */
class FilePolicyStoreHostileFilesTest {

  /** A file in the format of the store's first release (CRC-32), which the store still reads. */
  static byte[] legacyEntry(String domain, String fetchedAt, String expiresAt) {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("MTA-STS-STORE 1\ndomain=" + domain + "\nid=abc\nfetched-at=" + fetchedAt
        + "\nexpires-at=" + expiresAt + "\nbody-length=" + body.length + "\n").getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(head);
    crc.update(body);
    byte[] crcLine = String.format("crc32=%08x\n\n", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + crcLine.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(crcLine, 0, out, head.length, crcLine.length);
    System.arraycopy(body, 0, out, head.length + crcLine.length, body.length);
    return out;
  }

  @Test
  @DisplayName("CAC-21: files written with the earlier CRC-32 checksum still load")
  void aFileInTheFirstFormatStillLoads(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("example.com.policy"), legacyEntry("example.com", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"));
    assertThat(load(FilePolicyStore.open(dir), DOMAIN)).contains(entry("abc", T0));
  }

  @Test
  @DisplayName("CAC-21: a CRC-valid entry expiring in year 300000000 is quarantined; the others still load")
  void anEntryWithAnOutOfRangeTimeIsQuarantinedAndTheOthersStillLoad(@TempDir Path dir) throws IOException {
    List<String> reports = new CopyOnWriteArrayList<>();
    FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> reports.add(file.getFileName() + ": " + reason));
    PolicyDomain other = PolicyDomain.of("other.example");
    store.save(new StoredPolicy(other, "good", BODY, T0, T0.plusSeconds(86400))).toCompletableFuture().join();
    Files.write(dir.resolve("example.com.policy"),
        legacyEntry("example.com", "2026-03-01T00:00:00Z", "+300000000-01-01T00:00:00Z"));

    assertThat(store.loadAll().toCompletableFuture().join()).extracting(StoredPolicy::policyId).containsExactly("good");
    assertThat(load(store, DOMAIN)).isEmpty();
    assertThat(reports).singleElement().asString().startsWith("example.com.policy: ").contains("9999-12-31T23:59:59Z");
    assertThat(dir.resolve("example.com.policy")).doesNotExist();
  }

  @Test
  @DisplayName("SEC-30: a FIFO at a policy path is never opened: the load returns at once, absent and reported")
  void aFifoAtThePolicyPathDoesNotHangTheLoad(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("example.com.policy");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is not available");
    List<String> reports = new CopyOnWriteArrayList<>();
    FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> reports.add(reason));

    // On the old code the open() of the FIFO blocks until a writer appears, that is forever.
    assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> load(store, DOMAIN))).isEmpty();
    assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> store.loadAll().toCompletableFuture().join()))
        .isEmpty();
    assertThat(reports).first().asString().contains("FIFO");
  }

  @Test
  @DisplayName("SEC-30: a symbolic link at a policy path is never followed out of the directory")
  void aSymbolicLinkIsNotFollowed(@TempDir Path dir, @TempDir Path elsewhere) throws IOException {
    FilePolicyStore.open(elsewhere).save(entry("planted", T0)).toCompletableFuture().join();
    Path outside = elsewhere.resolve("example.com.policy");
    byte[] before = Files.readAllBytes(outside);
    Files.createSymbolicLink(dir.resolve("example.com.policy"), outside);
    List<String> reports = new CopyOnWriteArrayList<>();
    FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> reports.add(reason));

    assertThat(load(store, DOMAIN)).isEmpty();
    assertThat(store.loadAll().toCompletableFuture().join()).isEmpty();
    assertThat(reports).first().asString().contains("symbolic link");
    assertThat(Files.readAllBytes(outside)).as("the link's target is untouched").isEqualTo(before);
  }

  @Test
  @DisplayName("CAC-21: a directory at the policy path is absent and reported, not a failed load")
  void aDirectoryAtThePolicyPathIsAbsentAndReported(@TempDir Path dir) throws IOException {
    Path sub = Files.createDirectory(dir.resolve("example.com.policy"));
    Files.writeString(sub.resolve("inside"), "x");
    List<String> reports = new CopyOnWriteArrayList<>();
    FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> reports.add(reason));

    assertThat(load(store, DOMAIN)).isEmpty();
    assertThat(reports).singleElement().asString().contains("a directory");
    store.save(entry("fresh", T0)).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("fresh");
  }

  @Test
  @DisplayName("CAC-21: a corrupt entry that cannot be quarantined is absent and reported on every load, never a failure")
  void aCorruptEntryThatCannotBeQuarantinedIsAbsentAndReported(@TempDir Path dir) throws IOException {
    // The quarantine target already exists as a non-empty directory: the rename fails even as root.
    ManualClock clock = ManualClock.at(T0);
    Path file = dir.resolve("example.com.policy");
    Files.writeString(file, "garbage");
    Path target = Files.createDirectory(dir.resolve("example.com.policy.corrupt-" + T0.toEpochMilli()));
    Files.writeString(target.resolve("earlier"), "x");
    List<String> reports = new CopyOnWriteArrayList<>();
    FilePolicyStore store = FilePolicyStore.builder(dir).clock(clock)
        .onCorrupt((f, moved, reason) -> reports.add(moved + ": " + reason)).build();

    assertThat(load(store, DOMAIN)).isEmpty();
    assertThat(load(store, DOMAIN)).isEmpty();
    assertThat(store.loadAll().toCompletableFuture().join()).isEmpty();
    assertThat(reports).hasSize(3).allSatisfy(r -> assertThat(r).startsWith("null: no end of header; it could not be set aside"));
    assertThat(target.resolve("earlier")).as("nothing is overwritten").exists();
    store.save(entry("fresh", T0)).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("fresh");
  }

  @Test
  @DisplayName("CAC-21: an unquarantinable foreign file fails no loadAll round")
  void aForeignFileWhoseQuarantineNameIsTooLongFailsNoRound(@TempDir Path dir) throws IOException {
    // 250 characters: with ".corrupt-<millis>" the quarantine name exceeds NAME_MAX (255).
    Path foreign = dir.resolve("x".repeat(243) + ".policy");
    Files.writeString(foreign, "garbage");
    List<String> reports = new CopyOnWriteArrayList<>();
    FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> reports.add(reason));
    store.save(entry("good", T0)).toCompletableFuture().join();

    assertThat(store.loadAll().toCompletableFuture().join()).extracting(StoredPolicy::policyId).containsExactly("good");
    assertThat(reports).singleElement().asString().contains("could not be set aside");
    assertThat(foreign).exists();
  }

  @Test
  @DisplayName("CAC-22: two stores on one directory in one JVM: the newer fetch always wins (300 rounds)")
  void twoStoresOnOneDirectoryNeverLetTheOlderEntryWin(@TempDir Path dir) throws Exception {
    FilePolicyStore a = FilePolicyStore.open(dir);
    FilePolicyStore b = FilePolicyStore.open(dir);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int olderWon = 0;
    try {
      for (int round = 0; round < 300; round++) {
        StoredPolicy older = entry("o" + round, T0.plusSeconds(2L * round));
        StoredPolicy newer = entry("n" + round, T0.plusSeconds(2L * round + 1));
        CyclicBarrier start = new CyclicBarrier(2);
        boolean newerFirst = round % 2 == 0;
        Future<?> first = pool.submit(() -> saveAfter(start, newerFirst ? a : b, newerFirst ? newer : older));
        Future<?> second = pool.submit(() -> saveAfter(start, newerFirst ? b : a, newerFirst ? older : newer));
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);
        if (!load(a, DOMAIN).orElseThrow().policyId().equals(newer.policyId())) {
          olderWon++;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(olderWon).as("rounds the older entry won").isZero();
  }

  private static Void saveAfter(CyclicBarrier start, PolicyStore store, StoredPolicy e) throws Exception {
    start.await(30, TimeUnit.SECONDS);
    store.save(e).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return null;
  }

  @Test
  @DisplayName("CAC-20: an entry fetched 'in the future' is clamped on load and replaced by a real later fetch")
  void anEntryFetchedInTheFutureDoesNotWinForever(@TempDir Path dir) {
    // The system clock, as in production: the stored entry was written before the clock stepped back.
    Instant now = Instant.now();
    StoredPolicy future = new StoredPolicy(DOMAIN, "future", BODY, now.plus(Duration.ofDays(365)),
        now.plus(Duration.ofDays(366)));
    for (PolicyStore store : List.of(PolicyStore.inDirectory(dir), PolicyStore.inMemory())) {
      store.save(future).toCompletableFuture().join();
      StoredPolicy loaded = load(store, DOMAIN).orElseThrow();
      assertThat(loaded.fetchedAt()).isBeforeOrEqualTo(Instant.now());
      assertThat(Duration.between(loaded.fetchedAt(), loaded.expiresAt())).isEqualTo(Duration.ofDays(1));

      store.save(new StoredPolicy(DOMAIN, "real", BODY, now, now.plusSeconds(86400))).toCompletableFuture().join();
      assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("real");
    }
  }

  @Test
  @DisplayName("CAC-20: loads clamp to the store's clock; saves compare at the store's clock")
  void loadsClampToTheInjectedClock(@TempDir Path dir) {
    ManualClock clock = ManualClock.at(T0);
    StoredPolicy future = new StoredPolicy(DOMAIN, "future", BODY, T0.plusSeconds(7200), T0.plusSeconds(7200 + 600));
    for (PolicyStore store : List.of(FilePolicyStore.builder(dir).clock(clock).build(),
        InMemoryPolicyStore.builder().clock(clock).build())) {
      clock.set(T0);
      store.save(future).toCompletableFuture().join();
      assertThat(load(store, DOMAIN)).contains(new StoredPolicy(DOMAIN, "future", BODY, T0, T0.plusSeconds(600)));
      assertThat(store.loadAll().toCompletableFuture().join())
          .containsExactly(new StoredPolicy(DOMAIN, "future", BODY, T0, T0.plusSeconds(600)));
      clock.advance(Duration.ofMinutes(1));
      store.save(entry("later", T0.plusSeconds(60))).toCompletableFuture().join();
      assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("later");
      store.save(entry("earlier", T0)).toCompletableFuture().join();
      assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("later");
      store.delete(DOMAIN).toCompletableFuture().join();
    }
  }

  @Test
  @DisplayName("CAC-21: StoredPolicy refuses times beyond 9999 or before 1970")
  void storedPolicyRefusesTimesOutOfRange() {
    assertThatThrownBy(() -> new StoredPolicy(DOMAIN, "x", BODY, T0, Instant.parse("+300000000-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9999-12-31T23:59:59Z");
    assertThatThrownBy(() -> new StoredPolicy(DOMAIN, "x", BODY, Instant.EPOCH.minusSeconds(1), T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
