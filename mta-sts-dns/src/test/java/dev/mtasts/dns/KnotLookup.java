package dev.mtasts.dns;

import dev.mtasts.testing.KnotServer;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** knotd serving some zones, and a {@link DnsjavaLookup} asking it: the fixture of the ITs. */
final class KnotLookup implements AutoCloseable {
  final KnotServer knot;
  final ExecutorService executor;
  final DnsjavaLookup dns;

  private KnotLookup(KnotServer knot) {
    this.knot = knot;
    this.executor = Executors.newFixedThreadPool(2);
    this.dns = DnsjavaLookup.builder().servers(knot.hostPort()).executor(executor).build();
  }

  /** Starts knotd with these zones (name to zone-file text). */
  static KnotLookup start(Map<String, String> zones) throws IOException {
    return new KnotLookup(KnotServer.start(zones));
  }

  /** Starts knotd with these zones, signing {@code signed} (see KnotServer#start(Map, Set)). */
  static KnotLookup start(Map<String, String> zones, Set<String> signed) throws IOException {
    return new KnotLookup(KnotServer.start(zones, signed));
  }

  /** A TCP-only lookup asking the same server on the same executor. */
  DnsjavaLookup tcpOnly() {
    return DnsjavaLookup.builder().servers(knot.hostPort()).tcpOnly().executor(executor).build();
  }

  @Override
  public void close() {
    knot.close();
    executor.shutdownNow();
  }
}
