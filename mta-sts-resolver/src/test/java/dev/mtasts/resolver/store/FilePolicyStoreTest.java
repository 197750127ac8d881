package dev.mtasts.resolver.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePolicyStoreTest {
  static final PolicyDomain DOMAIN = PolicyDomain.of("example.com");
  static final String BODY = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  static StoredPolicy entry(String id, Instant fetchedAt) {
    return new StoredPolicy(DOMAIN, id, BODY, fetchedAt, fetchedAt.plusSeconds(86400));
  }

  static Optional<StoredPolicy> load(PolicyStore store, PolicyDomain domain) {
    return store.load(domain).toCompletableFuture().join();
  }

  @Test
  void savedEntriesLoadBackExactly(@TempDir Path dir) {
    PolicyStore store = PolicyStore.inDirectory(dir);
    StoredPolicy e = new StoredPolicy(DOMAIN, "abc", BODY.replace("\n", "\r\n") + "note: Grüße\r\n", T0,
        T0.plusSeconds(86400));
    store.save(e).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).contains(e);
    assertThat(load(PolicyStore.inDirectory(dir), DOMAIN)).as("a new instance, as after a restart").contains(e);
    assertThat(store.loadAll().toCompletableFuture().join()).containsExactly(e);
    assertThat(load(store, PolicyDomain.of("other.example"))).isEmpty();
  }

  @Test
  void anOlderEntryNeverReplacesANewerOne(@TempDir Path dir) {
    PolicyStore store = PolicyStore.inDirectory(dir);
    store.save(entry("new", T0.plusSeconds(60))).toCompletableFuture().join();
    store.save(entry("old", T0)).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("new");
    store.save(entry("newer", T0.plusSeconds(61))).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("newer");
  }

  @Test
  void theInMemoryStoreKeepsTheSameOrdering() {
    PolicyStore store = PolicyStore.inMemory();
    store.save(entry("new", T0.plusSeconds(60))).toCompletableFuture().join();
    store.save(entry("old", T0)).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("new");
    store.delete(DOMAIN).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).isEmpty();
  }

  @Test
  void aCorruptFileIsQuarantinedReportedAndTreatedAsAbsent(@TempDir Path dir) throws IOException {
    List<String> reports = new ArrayList<>();
    FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> reports.add(reason));
    store.save(entry("abc", T0)).toCompletableFuture().join();
    Path file = dir.resolve("example.com.policy");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 5] ^= 0x20;
    Files.write(file, bytes);

    assertThat(load(store, DOMAIN)).isEmpty();
    assertThat(reports).containsExactly("checksum mismatch");
    assertThat(file).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).singleElement().asString()
          .startsWith("example.com.policy.corrupt-");
    }
    store.save(entry("fresh", T0)).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("fresh");
  }

  @Test
  void garbageTruncatedAndMisplacedFilesAreQuarantinedWithoutFailingOthers(@TempDir Path dir) throws IOException {
    List<String> reports = new ArrayList<>();
    FilePolicyStore store = FilePolicyStore.open(dir, (file, moved, reason) -> reports.add(file.getFileName() + ": " + reason));
    store.save(entry("good", T0)).toCompletableFuture().join();
    Files.write(dir.resolve("garbage.example.policy"), new byte[] {0, 1, 2, (byte) 0xff});
    byte[] good = Files.readAllBytes(dir.resolve("example.com.policy"));
    Files.write(dir.resolve("truncated.example.policy"), java.util.Arrays.copyOf(good, good.length - 10));
    Files.write(dir.resolve("misplaced.example.policy"), good);
    Files.write(dir.resolve("huge.example.policy"), new byte[200_000]);

    assertThat(store.loadAll().toCompletableFuture().join()).extracting(StoredPolicy::policyId).containsExactly("good");
    assertThat(reports).hasSize(4).anySatisfy(r -> assertThat(r).startsWith("garbage.example.policy: "))
        .anySatisfy(r -> assertThat(r).contains("body length"))
        .anySatisfy(r -> assertThat(r).startsWith("huge.example.policy: the file has 200000 bytes"));
    assertThat(reports).anySatisfy(r -> assertThat(r).startsWith("misplaced.example.policy: file holds domain example.com"));
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("good");
  }

  @Test
  void temporaryFilesOfAKilledWriterAreNeverRead(@TempDir Path dir) throws IOException {
    PolicyStore store = PolicyStore.inDirectory(dir);
    store.save(entry("committed", T0)).toCompletableFuture().join();
    Files.writeString(dir.resolve(".example.com.policy.1234.tmp"), "MTA-STS-STORE 1\ndomain=exam");
    assertThat(load(store, DOMAIN)).get().extracting(StoredPolicy::policyId).isEqualTo("committed");
    assertThat(store.loadAll().toCompletableFuture().join()).hasSize(1);
  }

  @Test
  void veryLongDomainsGetAHashedFileName(@TempDir Path dir) {
    PolicyDomain longDomain = PolicyDomain.of("a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60)
        + "." + "d".repeat(50) + ".example");
    StoredPolicy e = new StoredPolicy(longDomain, "x", BODY, T0, T0.plusSeconds(1));
    FilePolicyStore store = FilePolicyStore.open(dir);
    store.save(e).toCompletableFuture().join();
    assertThat(load(store, longDomain)).contains(e);
    assertThat(store.fileFor(longDomain).getFileName().toString()).hasSize(64 + ".policy".length());
  }

  @Test
  void deleteRemovesTheEntry(@TempDir Path dir) {
    PolicyStore store = PolicyStore.inDirectory(dir);
    store.save(entry("x", T0)).toCompletableFuture().join();
    store.delete(DOMAIN).toCompletableFuture().join();
    assertThat(load(store, DOMAIN)).isEmpty();
    store.delete(DOMAIN).toCompletableFuture().join();
  }
}
