package dev.mtasts.resolver.store;

import dev.mtasts.core.PolicyDomain;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Run in a child JVM by {@link FilePolicyStoreCrashTest}: saves ever newer entries for five
 * domains and prints each sequence number once its save has completed (so it must be durable).
 */
public final class StoreWriterMain {
  private StoreWriterMain() {}

  /**
   * Writes forever.
   *
   * @param args the store directory
   */
  public static void main(String[] args) {
    FilePolicyStore store = FilePolicyStore.open(Path.of(args[0]));
    long start = Long.parseLong(args[1]);
    Instant base = Instant.parse("2026-03-01T00:00:00Z");
    for (long seq = start; ; seq++) {
      PolicyDomain domain = PolicyDomain.of("d" + (seq % 5) + ".example");
      String body = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\nseq: " + seq + "\n"
          + "pad: " + "x".repeat((int) (seq % 2000)) + "\n";
      store.save(new StoredPolicy(domain, "s" + seq, body, base.plusSeconds(seq), base.plusSeconds(seq + 86400)))
          .toCompletableFuture().join();
      System.out.println(seq);
      System.out.flush();
    }
  }
}
