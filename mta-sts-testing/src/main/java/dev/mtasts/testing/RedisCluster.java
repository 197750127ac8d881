package dev.mtasts.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * A real Redis Cluster for integration tests: three (or more) {@link RedisServer} nodes with
 * {@code cluster-enabled yes} on 127.0.0.1, each on a free port in its own temporary directory,
 * joined by {@code redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes} (Debian
 * package {@code redis-tools}), all 16384 slots spread over them. Starting takes a few seconds.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start(3)) {
 *   RedisClusterClient client = RedisClusterClient.create(cluster.seedUri());
 * }
 * }</pre>
 *
 * <p>When redis-server or redis-cli is absent, {@link #start(int)} reports it through
 * {@link RequiredServer}. The redis-cli binary is {@code $MTASTS_REDIS_CLI}, else
 * {@code /usr/bin/redis-cli}, else {@code redis-cli} on the {@code PATH}.
 */
public final class RedisCluster implements AutoCloseable {
  /** Environment variable naming the redis-cli binary. */
  public static final String REDIS_CLI_ENV = "MTASTS_REDIS_CLI";

  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

  private final List<RedisServer> nodes;

  /** The nodes started so far: closed together even when a later one fails to start. */
  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = nodes;
  }

  /**
   * Starts the nodes, creates the cluster over them and waits until every node reports the
   * cluster state {@code ok} in its log.
   *
   * @param masters how many master nodes, at least 3 (Redis's minimum for a cluster)
   * @return the running cluster
   * @throws IOException if a node does not start or the cluster does not form in time
   * @throws TestAbortedException if redis-server or redis-cli is not installed and
   *     {@code MTASTS_REQUIRE_SERVERS} is not {@code 1}
   * @throws IllegalStateException if one is not installed and {@code MTASTS_REQUIRE_SERVERS=1}
   */
  public static RedisCluster start(int masters) throws IOException {
    if (masters < 3) {
      throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters, got " + masters);
    }
    Optional<Path> cli = RequiredServer.binary(REDIS_CLI_ENV, Path.of("/usr/bin/redis-cli"), "redis-cli");
    if (cli.isEmpty()) {
      throw RequiredServer.missing("redis-cli (Debian package 'redis-tools')",
          "install it, or set " + REDIS_CLI_ENV + " to its path, to run this test");
    }
    List<RedisServer> started = new ArrayList<>();
    RedisCluster cluster = new RedisCluster(started);
    try {
      for (int i = 0; i < masters; i++) {
        started.add(RedisServer.builder().clusterEnabled().start());
      }
      List<String> command = new ArrayList<>(List.of(cli.get().toString(), "--cluster", "create"));
      for (RedisServer n : started) {
        command.add("127.0.0.1:" + n.port());
      }
      command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
      // Read to the end (the process waits for the cluster to join before it exits).
      String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!create.waitFor(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || create.exitValue() != 0) {
        create.destroyForcibly();
        throw new IOException("redis-cli --cluster create failed:\n" + output);
      }
      for (RedisServer n : started) {
        n.awaitLog("Cluster state changed: ok", CREATE_TIMEOUT);
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    } catch (InterruptedException e) {
      cluster.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating the Redis Cluster", e);
    }
  }

  /**
   * Returns the nodes, in the order they were started.
   *
   * @return the nodes
   */
  public List<RedisServer> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * Returns the URI of the first node, a seed from which a cluster client learns the topology.
   *
   * @return {@code redis://127.0.0.1:<port>}
   */
  public String seedUri() {
    return nodes.get(0).uri();
  }

  /** Stops every node and deletes its directory. */
  @Override
  public void close() {
    for (RedisServer n : nodes) {
      n.close();
    }
  }

  @Override
  public String toString() {
    return "RedisCluster" + nodes;
  }
}
