package dev.mtasts.redis;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.resolver.store.FetchLease;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PolicyStore} on Redis, so that several MTAs share their cached policies (RFC 8461 §5.1,
 * CAC-30): a policy one node fetched is served by the others without a fetch, and survives the
 * restart of any node.
 *
 * <h2>Entries</h2>
 * One Redis hash per domain, at key {@code <prefix><domain>} (default prefix
 * {@value #DEFAULT_KEY_PREFIX}), with exactly these fields (format version {@value #FORMAT}):
 * <table>
 *   <caption>Fields of an entry</caption>
 *   <tr><th>field</th><th>value</th></tr>
 *   <tr><td>{@code v}</td><td>{@code 1}, the format version</td></tr>
 *   <tr><td>{@code domain}</td><td>the Policy Domain, as {@link PolicyDomain#name()}</td></tr>
 *   <tr><td>{@code id}</td><td>the TXT record's id seen at the fetch</td></tr>
 *   <tr><td>{@code fetched-s}, {@code fetched-n}</td><td>{@code fetchedAt}: seconds since the
 *       epoch and nanosecond of the second, in decimal</td></tr>
 *   <tr><td>{@code expires-s}, {@code expires-n}</td><td>{@code expiresAt}, likewise</td></tr>
 *   <tr><td>{@code text}</td><td>the policy body as served, UTF-8</td></tr>
 * </table>
 * A reader on any node rebuilds the exact {@link StoredPolicy} (to the nanosecond). The key's TTL
 * is the entry's remaining lifetime plus a grace period (default one day), so Redis forgets what the
 * RFC lets a sender forget and nothing earlier (CAC-31).
 *
 * <h2>Never backwards</h2>
 * A save is one Lua script: it compares with the stored entry by
 * {@link StoredPolicy#supersedes(StoredPolicy, Instant)} at this store's clock and writes only when
 * the new entry wins, so a slow node can never replace a fresher policy with an older one, whatever
 * the interleaving (CAC-20, CAC-32).
 *
 * <h2>One fetch across nodes</h2>
 * {@link #acquireFetch} is a lease per domain at key {@code <prefix>!lease:{<domain>}} ({@code !} never
 * occurs in a domain name, so no entry key collides with it and {@link #loadAll()} skips it): one
 * {@code SET NX PX} with a random token as the value, released by a compare-and-delete script, so
 * only its holder ends it early and a lapsed lease re-taken by another node is left alone. N nodes
 * resolving one cold domain at once cause one fetch; a node that dies holding the lease delays the
 * others by at most the lease (CAC-35).
 *
 * <h2>One back-off across nodes</h2>
 * {@link #recordFetchFailure} sets key {@code <prefix>!backoff:{<domain>}:<id>} with the resolver's
 * back-off as TTL; the lease script looks at it first, so while it lives every node is told
 * {@link FetchLease.BackedOff} for that (domain, id) and none asks the policy host again; a new id
 * is fetched at once (CAC-36).
 *
 * <h2>Redis down: write-behind</h2>
 * A save that fails still fails (the resolver logs it and emits its store event, and keeps serving
 * the policy from its own memory), but the entry is kept, the newest per domain, capped
 * ({@link Builder#maxPendingWrites}, default {@value #DEFAULT_MAX_PENDING_WRITES};
 * {@value #MAX_PENDING_CHARS} chars of policy text in all). A {@link #load} returns a kept entry
 * that is newer than Redis's, or when Redis cannot be reached. Kept entries are written through the
 * same compare-and-set at the next successful call, or by a retry every
 * {@link Builder#retryInterval} (default {@value #DEFAULT_RETRY_INTERVAL_SECONDS} s) scheduled on
 * the client's event executors; so a stale retried write never replaces a fresher entry (CAC-37).
 *
 * <h2>Redis Cluster</h2>
 * {@link Builder#clusterUris} or {@link Builder#clusterClient}: every script touches one key, or a
 * domain's lease and back-off keys, which share the domain as hash tag and so one slot; a
 * {@link #loadAll()} scans every master (CAC-38).
 *
 * <h2>Hostile or damaged values</h2>
 * A value at one of our keys that this store did not write (another type, other fields, a field
 * that does not parse, a body that is not a valid policy, more than {@value #MAX_ENTRY_BYTES} bytes)
 * is reported to the {@link CorruptEntryHandler} (default: a WARN log line) and treated as absent;
 * it never fails a load. The size is checked inside Redis before anything is sent, so no more than
 * {@value #MAX_ENTRY_BYTES} bytes of an entry are ever read (SEC-40). The next save replaces it.
 *
 * <h2>Time bounds and reconnection</h2>
 * Every operation completes within its timeout (default {@value #DEFAULT_TIMEOUT_SECONDS} s, for a
 * {@link #loadAll()} each Redis round trip), or fails with a {@link RedisStoreException}; the
 * resolver then applies its {@code onStoreFailure} handling (CAC-33). A store built from a URI
 * connects on its first call, not in {@link Builder#build()}, so an MTA starts while Redis is down;
 * a call that cannot connect fails within its timeout and the next one tries again. A client this store creates
 * from a URI reconnects on its own, and while disconnected rejects commands at once rather than
 * queueing them; its queue of commands awaiting a reply is bounded ({@link Builder#requestQueueSize},
 * default {@value #DEFAULT_REQUEST_QUEUE_SIZE}). A client you pass in keeps its own options: set
 * these yourself.
 *
 * <h2>Threads</h2>
 * Lettuce runs its I/O on the event loop threads of the client's {@code ClientResources}; stages
 * complete on those threads, and the resolver moves on to its own executor. Pass a client to share
 * one set of threads with the rest of your application.
 */
public final class RedisPolicyStore implements PolicyStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPolicyStore.class);

  /** The default key prefix. */
  public static final String DEFAULT_KEY_PREFIX = "mta-sts:policy:";
  /** The default timeout of each Redis round trip, in seconds. */
  public static final int DEFAULT_TIMEOUT_SECONDS = 2;
  /** The default timeout of each Redis round trip. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
  /** How long after its expiry an entry stays in Redis by default. */
  public static final Duration DEFAULT_GRACE = Duration.ofDays(1);
  /** The default bound on commands awaiting a reply, for a client the store creates. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 1024;
  /** The cap on the bytes of one entry read back: a 64 KiB body and its small fields. */
  public static final int MAX_ENTRY_BYTES = 64 * 1024 + 1024;
  /** The entry format version written in field {@code v}. */
  public static final String FORMAT = "1";

  /** Keys asked for in one SCAN round trip. */
  private static final int SCAN_BATCH = 256;
  /** Entries loaded at once by loadAll: well under any sensible request queue size. */
  private static final int LOAD_PARALLELISM = 8;
  /** The cap on the keys loadAll reads: the resolver's default cap on cached domains. */
  public static final int MAX_LOAD_ALL = 100_000;
  private static final List<String> FIELDS =
      List.of("v", "domain", "id", "fetched-s", "fetched-n", "expires-s", "expires-n", "text");
  private static final String LUA_FIELDS = "'v','domain','id','fetched-s','fetched-n','expires-s','expires-n','text'";

  /**
   * Reads an entry only if it is a hash of exactly our fields within the byte cap; the reply starts
   * with a status: none, type, fields, size or ok (followed by the field values).
   */
  private static final String LOAD_SCRIPT = String.join("\n",
      "local t = redis.call('TYPE', KEYS[1])['ok']",
      "if t == 'none' then return {'none'} end",
      "if t ~= 'hash' then return {'type', t} end",
      "local n = redis.call('HLEN', KEYS[1])",
      "if n ~= " + FIELDS.size() + " then return {'fields', tostring(n)} end",
      "local size = 0",
      "for _, f in ipairs({" + LUA_FIELDS + "}) do size = size + redis.call('HSTRLEN', KEYS[1], f) end",
      "if size > tonumber(ARGV[1]) then return {'size', tostring(size)} end",
      "local r = redis.call('HMGET', KEYS[1], " + LUA_FIELDS + ")",
      "table.insert(r, 1, 'ok')",
      "return r");

  /**
   * Writes the entry unless the stored one (if it is ours) supersedes it, in the terms of
   * StoredPolicy.supersedes: ARGV 1-8 are the fields, 9-10 now (seconds, nanos), 11 the TTL in ms.
   */
  private static final String SAVE_SCRIPT = String.join("\n",
      "local t = redis.call('TYPE', KEYS[1])['ok']",
      "if t == 'hash' then",
      "  local cur = redis.call('HMGET', KEYS[1], 'v', 'fetched-s', 'fetched-n')",
      "  local cs, cn = tonumber(cur[2]), tonumber(cur[3])",
      "  if cur[1] == ARGV[1] and cs and cn then",
      "    local es, en = tonumber(ARGV[4]), tonumber(ARGV[5])",
      "    local ns, nn = tonumber(ARGV[9]), tonumber(ARGV[10])",
      "    local curFuture = cs > ns or (cs == ns and cn > nn)",
      "    local newFuture = es > ns or (es == ns and en > nn)",
      "    local older = es < cs or (es == cs and en < cn)",
      "    if older and not (curFuture and not newFuture) then return 0 end",
      "  end",
      "end",
      // Only a foreign value is deleted first: a DEL before the HSET would let the write pass a
      // full Redis (a script that wrote once may write on), and a full Redis must fail the save.
      "if t ~= 'none' and not (t == 'hash' and redis.call('HLEN', KEYS[1]) == " + FIELDS.size() + "",
      "    and redis.call('HEXISTS', KEYS[1], 'text') == 1) then redis.call('DEL', KEYS[1]) end",
      "redis.call('HSET', KEYS[1], 'v', ARGV[1], 'domain', ARGV[2], 'id', ARGV[3], 'fetched-s', ARGV[4],",
      "  'fetched-n', ARGV[5], 'expires-s', ARGV[6], 'expires-n', ARGV[7], 'text', ARGV[8])",
      "redis.call('PEXPIRE', KEYS[1], ARGV[11])",
      "return 1");

  /**
   * In one atomic step: tells how long a recorded failure of this (domain, id) still holds the fleet
   * back (KEYS[2]; a key without a TTL is not ours and is ignored), else takes the lease (KEYS[1])
   * if free, else tells how long it still runs in ms (a lease key without TTL counts as a whole
   * lease). Both keys share the domain's hash tag, so the script runs in Redis Cluster too.
   */
  private static final String ACQUIRE_SCRIPT = String.join("\n",
      "local b = redis.call('PTTL', KEYS[2])",
      "if b > 0 then return {'backoff', b} end",
      "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'granted', 0} end",
      "local ttl = redis.call('PTTL', KEYS[1])",
      "if ttl < 0 then ttl = tonumber(ARGV[2]) end",
      "return {'held', ttl}");
  /** Deletes the lease only if it still holds this node's token. */
  private static final String RELEASE_SCRIPT =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
  /** The infix of lease keys after the prefix; never part of a domain name. */
  private static final String LEASE_INFIX = "!lease:";
  /** The infix of fetch back-off keys after the prefix; never part of a domain name. */
  private static final String BACKOFF_INFIX = "!backoff:";
  /** The default cap on saves kept for a retry while Redis is unreachable. */
  public static final int DEFAULT_MAX_PENDING_WRITES = 1000;
  /** The cap on the policy text, in chars, of all saves kept for a retry together. */
  public static final int MAX_PENDING_CHARS = 4 << 20;
  /** The default interval between retries of the kept saves, in seconds. */
  public static final int DEFAULT_RETRY_INTERVAL_SECONDS = 1;
  private static final SecureRandom TOKENS = new SecureRandom();

  /** The client the store created and closes, if any: a RedisClient or a RedisClusterClient. */
  private final io.lettuce.core.@Nullable AbstractRedisClient ownedClient;
  /** Where retries of kept saves are scheduled: the client's own event executors. */
  private final ClientResources resources;
  /** Opens the connection; called again after a failed attempt. */
  private final Supplier<CompletionStage<Link>> connector;
  /** The connection, or the attempt to open it; null before the first call. Guarded by this. */
  private @Nullable CompletableFuture<Link> connection;
  private boolean closed;
  /** Saves that failed, kept for a retry: the newest per domain (write-behind). Guarded by itself. */
  private final Map<PolicyDomain, StoredPolicy> pending = new HashMap<>();
  /** The policy text, in chars, of the kept saves. Guarded by pending. */
  private long pendingChars;
  private final int maxPending;
  private final Duration retryInterval;
  /** One flush of the kept saves at a time. */
  private final AtomicBoolean flushing = new AtomicBoolean();
  /** One retry timer at a time. */
  private final AtomicBoolean retryScheduled = new AtomicBoolean();

  /** An open connection, standalone or cluster, and its commands. */
  private record Link(StatefulConnection<byte[], byte[]> connection, RedisClusterAsyncCommands<byte[], byte[]> commands) {}
  private final String keyPrefix;
  private final Duration timeout;
  private final Duration grace;
  private final InstantSource clock;
  private final CorruptEntryHandler onCorrupt;

  /** Receives every value at one of the store's keys that could not be read back as an entry. */
  @FunctionalInterface
  public interface CorruptEntryHandler {
    /**
     * Called when a value was found that is not an entry this store could have written; it is
     * treated as absent, and left in place until the next save of its domain replaces it.
     *
     * @param key the Redis key (escaped when logged)
     * @param reason what was wrong with it
     */
    void corrupt(String key, String reason);
  }

  private RedisPolicyStore(Builder b, io.lettuce.core.@Nullable AbstractRedisClient owned, ClientResources resources,
      Supplier<CompletionStage<Link>> connector) {
    this.ownedClient = owned;
    this.resources = resources;
    this.connector = connector;
    this.maxPending = b.maxPendingWrites != null ? b.maxPendingWrites : DEFAULT_MAX_PENDING_WRITES;
    this.retryInterval = b.retryInterval != null ? b.retryInterval : Duration.ofSeconds(DEFAULT_RETRY_INTERVAL_SECONDS);
    this.keyPrefix = b.keyPrefix != null ? b.keyPrefix : DEFAULT_KEY_PREFIX;
    this.timeout = b.timeout != null ? b.timeout : DEFAULT_TIMEOUT;
    this.grace = b.grace != null ? b.grace : DEFAULT_GRACE;
    this.clock = b.clock != null ? b.clock : InstantSource.system();
    this.onCorrupt = b.onCorrupt != null ? b.onCorrupt : RedisPolicyStore::logCorrupt;
  }

  private static void logCorrupt(String key, String reason) {
    LOG.warn("Value at Redis key {} is not an MTA-STS store entry, treated as absent: {}",
        SafeText.escape(key), SafeText.escape(reason));
  }

  /**
   * Returns a builder; set exactly one of {@link Builder#uri} and {@link Builder#client}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the Redis key of a domain's entry.
   *
   * @param domain the Policy Domain
   * @return the key prefix followed by the domain name
   */
  public String keyOf(PolicyDomain domain) {
    return keyPrefix + domain.name();
  }

  /**
   * {@inheritDoc}
   *
   * <p>A save kept for a retry (see {@link Builder#maxPendingWrites}) is read through: it is
   * returned when it supersedes what Redis holds, and when Redis cannot be reached.
   */
  @Override
  public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    String key = keyOf(domain);
    CompletionStage<List<Object>> reply = redis().thenCompose(redis -> redis.eval(LOAD_SCRIPT, ScriptOutputType.MULTI,
        new byte[][] {bytes(key)}, bytes(Integer.toString(MAX_ENTRY_BYTES))));
    CompletableFuture<Optional<StoredPolicy>> result = new CompletableFuture<>();
    bounded("load of " + key, reply).whenComplete((r, t) -> {
      Instant now = clock.instant();
      StoredPolicy kept;
      synchronized (pending) {
        kept = pending.get(domain);
      }
      if (t != null) {
        if (kept != null) {
          result.complete(Optional.of(kept.clampedTo(now)));
        } else {
          result.completeExceptionally(t);
        }
        return;
      }
      Optional<StoredPolicy> stored;
      try {
        stored = Optional.of(decode(r, domain).clampedTo(now));
      } catch (Absent e) {
        stored = Optional.empty();
      } catch (IllegalArgumentException e) {
        report(key, String.valueOf(e.getMessage()));
        stored = Optional.empty();
      }
      result.complete(kept != null && (stored.isEmpty() || kept.supersedes(stored.get(), now))
          ? Optional.of(kept.clampedTo(now)) : stored);
    });
    return result;
  }

  /** The key of a domain's fetch lease; the domain is its hash tag (Redis Cluster). */
  String leaseKeyOf(PolicyDomain domain) {
    return keyPrefix + LEASE_INFIX + "{" + domain.name() + "}";
  }

  /** The key of a (domain, id)'s fetch back-off, in the same hash slot as the domain's lease. */
  String backoffKeyOf(PolicyDomain domain, String policyId) {
    return keyPrefix + BACKOFF_INFIX + "{" + domain.name() + "}:" + policyId;
  }

  /**
   * Takes the domain's fetch lease for {@code lease} (whole milliseconds, at least one) unless
   * another node holds it (CAC-35, RFC 8461 §3.2, §5.1); see the class comment.
   *
   * @param domain the Policy Domain
   * @param policyId the id about to be fetched (the lease is per domain: one fetch at a time)
   * @param lease how long the lease lasts unless released
   * @return {@link FetchLease.Granted}, {@link FetchLease.HeldElsewhere} with the lease's rest, or
   *     {@link FetchLease.BackedOff} while a failure of this (domain, id) recorded by
   *     {@link #recordFetchFailure} lasts (CAC-36); fails with a {@link RedisStoreException} within
   *     the timeout
   */
  @Override
  public CompletionStage<FetchLease> acquireFetch(PolicyDomain domain, String policyId, Duration lease) {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(policyId, "policyId");
    String key = leaseKeyOf(domain);
    byte[] token = new byte[16];
    TOKENS.nextBytes(token);
    byte[] value = bytes(HexFormat.of().formatHex(token));
    long millis = Math.max(1, lease.toMillis());
    CompletionStage<List<Object>> reply = redis().thenCompose(redis -> redis.eval(ACQUIRE_SCRIPT, ScriptOutputType.MULTI,
        new byte[][] {bytes(key), bytes(backoffKeyOf(domain, policyId))}, value, bytes(Long.toString(millis))));
    return bounded("fetch lease at " + key, reply).thenApply(r -> {
      String status = r.size() == 2 && r.get(0) instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "";
      long ms = r.size() == 2 && r.get(1) instanceof Long l ? Math.max(0, l) : 0;
      return switch (status) {
        case "granted" -> new FetchLease.Granted(() -> bounded("release of " + key, redis().thenCompose(redis ->
            redis.<Long>eval(RELEASE_SCRIPT, ScriptOutputType.INTEGER, new byte[][] {bytes(key)}, value)))
            .thenApply(n -> null));
        case "held" -> new FetchLease.HeldElsewhere(Duration.ofMillis(ms));
        case "backoff" -> new FetchLease.BackedOff(Duration.ofMillis(ms));
        default -> throw new RedisStoreException("Redis policy store: unexpected reply to the fetch lease at "
            + SafeText.escape(key), new IllegalStateException("reply " + r.size()));
      };
    });
  }

  /**
   * Records a failed fetch at key {@code <prefix>!backoff:{<domain>}:<id>} with a TTL of
   * {@code backoff} (whole milliseconds, at least one), so that every node's {@link #acquireFetch}
   * for that (domain, id) answers {@link FetchLease.BackedOff} until it lapses (CAC-36, FET-12).
   *
   * @param domain the Policy Domain
   * @param policyId the id whose fetch failed
   * @param backoff how long no node fetches it again
   * @return a stage that completes once recorded; fails with a {@link RedisStoreException} within
   *     the timeout
   */
  @Override
  public CompletionStage<Void> recordFetchFailure(PolicyDomain domain, String policyId, Duration backoff) {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(policyId, "policyId");
    String key = backoffKeyOf(domain, policyId);
    long millis = Math.max(1, backoff.toMillis());
    return bounded("fetch back-off at " + key, redis().thenCompose(redis ->
        redis.set(bytes(key), bytes("1"), SetArgs.Builder.px(millis)))).thenApply(ok -> null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A save that fails (Redis unreachable, frozen, full) still fails, so the resolver logs it and
   * emits its store event; but the entry is also kept in memory, the newest per domain, at most
   * {@link Builder#maxPendingWrites} entries and {@value #MAX_PENDING_CHARS} chars of policy text
   * (past either, the save is dropped with a WARN line: the resolver still holds it in its own
   * memory and saves it again at its next fetch). Kept saves are written by the same
   * compare-and-set once Redis answers again: at the next successful call, or at the latest on a
   * retry every {@link Builder#retryInterval} on the client's event executors, so that a stale
   * retried write never replaces a fresher entry another node wrote meanwhile (CAC-37).
   */
  @Override
  public CompletionStage<Void> save(StoredPolicy entry) {
    Objects.requireNonNull(entry, "entry");
    CompletableFuture<Void> result = new CompletableFuture<>();
    write(entry).whenComplete((v, t) -> {
      if (t == null) {
        settled(entry);
        result.complete(null);
      } else {
        keep(entry);
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  /** Forgets the kept save of the entry's domain once a save at least as new went through. */
  private void settled(StoredPolicy written) {
    synchronized (pending) {
      StoredPolicy kept = pending.get(written.domain());
      if (kept != null && (kept.equals(written) || !kept.supersedes(written, clock.instant()))) {
        pending.remove(written.domain());
        pendingChars -= kept.policyText().length();
      }
    }
  }

  /** Keeps a failed save for a retry, unless a newer one is kept for its domain or a cap is reached. */
  private void keep(StoredPolicy entry) {
    boolean dropped = false;
    synchronized (pending) {
      StoredPolicy kept = pending.get(entry.domain());
      if (kept != null && !kept.equals(entry) && kept.supersedes(entry, clock.instant())) {
        return; // the newer one is kept already
      }
      long chars = pendingChars - (kept == null ? 0 : kept.policyText().length()) + entry.policyText().length();
      if ((kept == null && pending.size() >= maxPending) || chars > MAX_PENDING_CHARS) {
        dropped = true;
      } else {
        pending.put(entry.domain(), entry);
        pendingChars = chars;
      }
    }
    if (dropped) {
      LOG.warn("Redis policy store: {} saves are waiting for Redis already (cap {}, {} chars); the save of {} is"
          + " not retried", pendingWrites(), maxPending, MAX_PENDING_CHARS, entry.domain().name());
      return;
    }
    scheduleRetry();
  }

  /**
   * Returns how many failed saves are kept for a retry (write-behind), for monitoring.
   *
   * @return the number of domains whose latest save has not reached Redis yet
   */
  public int pendingWrites() {
    synchronized (pending) {
      return pending.size();
    }
  }

  /** Retries the kept saves after the retry interval, on the client's event executors. */
  private void scheduleRetry() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    if (!retryScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      java.util.concurrent.ScheduledExecutorService timer = resources.eventExecutorGroup();
      timer.schedule(() -> {
        retryScheduled.set(false);
        flushPending();
      }, retryInterval.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // the executors are shutting down: the store is being closed
      retryScheduled.set(false);
      LOG.debug("Redis policy store: cannot schedule a retry of kept saves", e);
    }
  }

  /**
   * Writes the kept saves, a few at a time, each through the compare-and-set; stops at the first
   * failure and schedules a retry. One flush runs at a time.
   */
  private void flushPending() {
    List<StoredPolicy> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new ArrayList<>(pending.values());
    }
    if (!flushing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Redis policy store: writing {} saves kept while Redis was unreachable", batch.size());
    flushFrom(batch, 0).whenComplete((v, t) -> {
      flushing.set(false);
      if (pendingWrites() > 0) {
        scheduleRetry();
      }
    });
  }

  private CompletionStage<Void> flushFrom(List<StoredPolicy> batch, int from) {
    if (from >= batch.size()) {
      return CompletableFuture.completedStage(null);
    }
    List<CompletableFuture<Void>> chunk = batch.subList(from, Math.min(batch.size(), from + LOAD_PARALLELISM))
        .stream().map(e -> write(e).thenAccept(v -> settled(e)).toCompletableFuture()).toList();
    return CompletableFuture.allOf(chunk.toArray(CompletableFuture[]::new))
        .thenCompose(v -> flushFrom(batch, from + LOAD_PARALLELISM));
  }

  /** One compare-and-set write of an entry, with the TTL and the comparison at this moment. */
  private CompletionStage<Void> write(StoredPolicy entry) {
    String key = keyOf(entry.domain());
    Instant now = clock.instant();
    // The key lives as long as the entry may be used, plus the grace: an entry clamped to now (a
    // fetch "in the future") lives no longer from now than from its fetch (CAC-31).
    Duration left = Duration.between(now, entry.clampedTo(now).expiresAt());
    long ttlMillis = Math.max(1, (left.isNegative() ? Duration.ZERO : left).plus(grace).toMillis());
    byte[][] args = {
        bytes(FORMAT), bytes(entry.domain().name()), bytes(entry.policyId()),
        bytes(Long.toString(entry.fetchedAt().getEpochSecond())), bytes(Integer.toString(entry.fetchedAt().getNano())),
        bytes(Long.toString(entry.expiresAt().getEpochSecond())), bytes(Integer.toString(entry.expiresAt().getNano())),
        entry.policyText().getBytes(StandardCharsets.UTF_8),
        bytes(Long.toString(now.getEpochSecond())), bytes(Integer.toString(now.getNano())),
        bytes(Long.toString(ttlMillis))};
    CompletionStage<Long> written = redis().thenCompose(redis -> redis.<Long>eval(SAVE_SCRIPT, ScriptOutputType.INTEGER,
        new byte[][] {bytes(key)}, args));
    return bounded("save of " + key, written).thenApply(w -> null);
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    synchronized (pending) {
      StoredPolicy kept = pending.remove(domain);
      if (kept != null) {
        pendingChars -= kept.policyText().length();
      }
    }
    String key = keyOf(domain);
    return bounded("delete of " + key, redis().thenCompose(redis -> redis.del(bytes(key)))).thenApply(n -> null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Walks the key space with {@code SCAN MATCH <prefix>*}, 256 keys a round
   * trip, and loads each batch 8 entries at a time before the next
   * {@code SCAN}, so that a large store never floods the command queue. Each round trip has the
   * store's timeout. At most {@value #MAX_LOAD_ALL} keys are read (the resolver's default cap on
   * cached domains); past that a WARN line says the rest was left out. Keys under the prefix whose
   * rest is not a domain name are reported and skipped.
   */
  @Override
  public CompletionStage<List<StoredPolicy>> loadAll() {
    ScanArgs args = ScanArgs.Builder.matches(bytes(globEscape(keyPrefix) + "*")).limit(SCAN_BATCH);
    Set<String> seen = new HashSet<>();
    List<StoredPolicy> out = new ArrayList<>();
    return bounded("connection", link()).thenCompose(link -> {
      if (!(link.connection() instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster)) {
        return scanAndLoad(CompletableFuture.completedStage(link.commands()), ScanCursor.INITIAL, args, seen, out);
      }
      // Cluster (CAC-38): every master is scanned on its own connection, one cursor each. Lettuce's
      // cluster-wide SCAN cursor was seen to start over instead of finishing, so that loadAll
      // never completed.
      CompletionStage<List<StoredPolicy>> chain = CompletableFuture.completedStage(out);
      for (RedisClusterNode node : cluster.getPartitions()) {
        if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          continue;
        }
        String id = node.getNodeId();
        chain = chain.thenCompose(x -> seen.size() >= MAX_LOAD_ALL ? CompletableFuture.completedStage(out)
            : scanAndLoad(cluster.getConnectionAsync(id).thenApply(StatefulRedisConnection::async), ScanCursor.INITIAL,
                args, seen, out));
      }
      return chain;
    });
  }

  private CompletionStage<List<StoredPolicy>> scanAndLoad(CompletionStage<? extends RedisKeyAsyncCommands<byte[], byte[]>> on,
      ScanCursor cursor, ScanArgs args, Set<String> seen, List<StoredPolicy> out) {
    return bounded("scan of " + keyPrefix + "*", on.thenCompose(redis -> redis.scan(cursor, args))).thenCompose((KeyScanCursor<byte[]> c) -> {
      List<PolicyDomain> batch = new ArrayList<>();
      boolean capped = false;
      for (byte[] k : c.getKeys()) {
        String key = new String(k, StandardCharsets.UTF_8);
        if (seen.contains(key)) {
          continue; // SCAN may return a key twice
        }
        if (seen.size() >= MAX_LOAD_ALL) {
          LOG.warn("More than {} keys under {}; loadAll returns the first {}", MAX_LOAD_ALL,
              SafeText.escape(keyPrefix), MAX_LOAD_ALL);
          capped = true;
          break;
        }
        seen.add(key);
        domainAt(key).ifPresent(batch::add);
      }
      boolean last = capped || c.isFinished();
      return loadInChunks(batch, 0, out)
          .thenCompose(v -> last ? CompletableFuture.completedStage(out) : scanAndLoad(on, c, args, seen, out));
    });
  }

  private CompletionStage<Void> loadInChunks(List<PolicyDomain> batch, int from, List<StoredPolicy> out) {
    if (from >= batch.size()) {
      return CompletableFuture.completedStage(null);
    }
    List<CompletableFuture<Optional<StoredPolicy>>> chunk = batch.subList(from, Math.min(batch.size(),
        from + LOAD_PARALLELISM)).stream().map(d -> load(d).toCompletableFuture()).toList();
    return CompletableFuture.allOf(chunk.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      chunk.forEach(f -> f.join().ifPresent(out::add));
      return loadInChunks(batch, from + LOAD_PARALLELISM, out);
    });
  }

  /** The domain a key under the prefix belongs to, or empty (reported) when it is not one of ours. */
  private Optional<PolicyDomain> domainAt(String key) {
    if (key.startsWith(keyPrefix + "!")) {
      return Optional.empty(); // the store's own keys beside the entries, such as fetch leases
    }
    PolicyDomain domain;
    try {
      domain = PolicyDomain.of(key.substring(keyPrefix.length()));
    } catch (IllegalArgumentException e) {
      report(key, "the key does not end in a domain name: " + e.getMessage());
      return Optional.empty();
    }
    if (!keyOf(domain).equals(key)) {
      report(key, "the key is not the one " + domain.name() + " is stored at (" + keyOf(domain) + ")");
      return Optional.empty();
    }
    return Optional.of(domain);
  }

  /**
   * The commands of the connection, opened on the first call rather than at build time, so that an
   * MTA starts while Redis is down; a failed attempt is retried by the next call, and once open,
   * Lettuce reconnects on its own (CAC-33). The caller's timeout bounds the wait for the connection.
   */
  private CompletionStage<RedisClusterAsyncCommands<byte[], byte[]>> redis() {
    CompletableFuture<Link> c;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedStage(new RedisStoreException("Redis policy store: closed", new IllegalStateException("closed")));
      }
      c = connection;
      if (c == null || c.isCompletedExceptionally()) {
        c = connector.get().toCompletableFuture();
        connection = c;
      }
    }
    return c.thenApply(Link::commands);
  }

  /** The connection and its commands, as {@link #redis()} opens them. */
  private CompletionStage<Link> link() {
    return redis().thenCompose(commands -> {
      CompletableFuture<Link> c;
      synchronized (this) {
        c = connection;
      }
      return c != null ? c : CompletableFuture.failedStage(new IllegalStateException("no connection"));
    });
  }

  /** Closes the connection and, when the store created the client, the client and its threads. */
  @Override
  public void close() {
    CompletableFuture<Link> c;
    synchronized (this) {
      closed = true;
      c = connection;
    }
    if (c != null) {
      // An attempt still running is closed when it ends.
      c.thenAccept(link -> link.connection().closeAsync());
    }
    if (ownedClient != null) {
      // Bounded: Lettuce's blocking shutdown waits for every connection to close, without a limit.
      try {
        ownedClient.shutdownAsync(0, timeout.toNanos(), TimeUnit.NANOSECONDS)
            .get(2 * timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        LOG.warn("Redis policy store: the client did not shut down within {} ms; left to finish on its own",
            2 * timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Bounds a Redis round trip by the store's timeout and turns every failure into a
   * {@link RedisStoreException} naming the operation. The copy keeps a timeout here from completing
   * Lettuce's own command future.
   */
  private <T> CompletionStage<T> bounded(String what, CompletionStage<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    call.toCompletableFuture().copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((v, t) -> {
      if (t == null) {
        result.complete(v);
        if (!flushing.get() && pendingWrites() > 0) {
          flushPending(); // Redis answers again: write what was kept
        }
        return;
      }
      Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      String how = cause instanceof TimeoutException || cause instanceof io.lettuce.core.RedisCommandTimeoutException
          ? "timed out after " + timeout.toMillis() + " ms"
          : "failed: " + SafeText.escape(String.valueOf(cause.getMessage()), 200);
      result.completeExceptionally(new RedisStoreException("Redis policy store: " + SafeText.escape(what) + " " + how, cause));
    });
    return result;
  }

  private void report(String key, String reason) {
    try {
      onCorrupt.corrupt(key, reason);
    } catch (RuntimeException e) {
      LOG.warn("Corrupt-entry handler failed for Redis key {}", SafeText.escape(key), e);
    }
  }

  /** The key holds nothing: not a damaged entry, so nothing is reported. */
  private static final class Absent extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Absent INSTANCE = new Absent();

    private Absent() {
      super(null, null, false, false);
    }
  }

  /**
   * Rebuilds an entry from the load script's reply, checking everything.
   *
   * @throws Absent when there is no value at the key
   * @throws IllegalArgumentException saying what is wrong with the value
   */
  static StoredPolicy decode(List<Object> reply, PolicyDomain expected) throws Absent {
    String status = reply.isEmpty() || !(reply.get(0) instanceof byte[] s) ? "" : new String(s, StandardCharsets.UTF_8);
    switch (status) {
      case "none" -> throw Absent.INSTANCE;
      case "type" -> throw new IllegalArgumentException("a Redis " + text(reply, 1) + ", not a hash");
      case "fields" -> throw new IllegalArgumentException("a hash of " + text(reply, 1) + " fields, not "
          + FIELDS.size() + " " + FIELDS);
      case "size" -> throw new IllegalArgumentException(text(reply, 1) + " bytes, more than the cap of "
          + MAX_ENTRY_BYTES);
      case "ok" -> { }
      default -> throw new IllegalArgumentException("unexpected reply from the load script");
    }
    if (reply.size() != FIELDS.size() + 1) {
      throw new IllegalArgumentException("fields missing: the hash must hold exactly " + FIELDS);
    }
    String version = text(reply, 1);
    if (!FORMAT.equals(version)) {
      throw new IllegalArgumentException("format version '" + version + "', this store reads '" + FORMAT + "'");
    }
    PolicyDomain domain = PolicyDomain.of(text(reply, 2));
    if (!domain.equals(expected)) {
      throw new IllegalArgumentException("holds domain " + domain.name() + ", expected " + expected.name());
    }
    StoredPolicy entry = new StoredPolicy(domain, text(reply, 3), text(reply, 8),
        instant(reply, 4, "fetched"), instant(reply, 6, "expires"));
    try {
      entry.parsePolicy();
    } catch (IllegalArgumentException e) { // MtaStsParseException
      throw new IllegalArgumentException("the stored body is not a valid policy: " + e.getMessage(), e);
    }
    return entry;
  }

  private static Instant instant(List<Object> reply, int at, String what) {
    long seconds = number(text(reply, at), what + "-s", StoredPolicy.LATEST.getEpochSecond());
    long nanos = number(text(reply, at + 1), what + "-n", 999_999_999L);
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** A decimal number from 0 to {@code max}, digits only: no sign, no space, no exponent. */
  private static long number(String s, String field, long max) {
    if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("field " + field + " is not a decimal number: '" + s + "'");
    }
    long n = Long.parseLong(s);
    if (n > max) {
      throw new IllegalArgumentException("field " + field + " is " + n + ", more than " + max);
    }
    return n;
  }

  /** A reply element as strict UTF-8 (a malformed byte is damage, not a replacement character). */
  private static String text(List<Object> reply, int at) {
    Object o = at < reply.size() ? reply.get(at) : null;
    if (!(o instanceof byte[] b)) {
      throw new IllegalArgumentException("field " + (at >= 1 && at <= FIELDS.size() ? FIELDS.get(at - 1) : "#" + at)
          + " is missing");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a field is not valid UTF-8", e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Escapes the glob characters of SCAN MATCH, so a prefix matches only itself. */
  static String globEscape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Builds a {@link RedisPolicyStore}; every option may be set once, and a second call fails at
   * once with {@link IllegalStateException}.
   */
  public static final class Builder {
    private @Nullable String uri;
    private @Nullable RedisClient client;
    private @Nullable List<String> clusterUris;
    private @Nullable RedisClusterClient clusterClient;
    private @Nullable Integer maxPendingWrites;
    private @Nullable Duration retryInterval;
    private @Nullable String keyPrefix;
    private @Nullable Duration timeout;
    private @Nullable Duration grace;
    private @Nullable InstantSource clock;
    private @Nullable CorruptEntryHandler onCorrupt;
    private int requestQueueSize;

    private Builder() {}

    /**
     * Connects to this Redis URI with a client the store creates and closes: standalone
     * ({@code redis://}, {@code rediss://} for TLS), Sentinel ({@code redis-sentinel://}) or a Unix
     * socket, with ACL user and password, database and options, all in Lettuce's URI syntax.
     *
     * @param uri the URI, such as {@code rediss://mta:secret@redis.example:6379/0}
     * @return this builder
     * @throws IllegalArgumentException if Lettuce cannot parse it
     * @throws IllegalStateException if a URI or a client is already set
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      RedisURI.create(uri); // fail fast on a malformed URI
      onlyOneServer(uri);
      this.uri = Builders.once(this.uri, uri, "uri");
      return this;
    }

    /**
     * Uses this client, created with its Redis URI ({@code RedisClient.create(uri)}); the store
     * opens one connection from it and closes only that. The client's options stay as they are:
     * for reconnection without a pile-up, give it {@code autoReconnect(true)},
     * {@code disconnectedBehavior(REJECT_COMMANDS)} and a bounded {@code requestQueueSize}.
     *
     * @param client the client
     * @return this builder
     * @throws IllegalStateException if a URI or a client is already set
     */
    public Builder client(RedisClient client) {
      Objects.requireNonNull(client, "client");
      onlyOneServer(client);
      this.client = Builders.once(this.client, client, "client");
      return this;
    }

    /**
     * Connects to a Redis Cluster with a {@link RedisClusterClient} the store creates and closes,
     * given one or more seed nodes ({@code redis://} or {@code rediss://} URIs, same syntax as
     * {@link #uri}); the client learns the topology from them, follows MOVED and ASK redirects, and
     * refreshes the topology on its own. Every script runs on one key, or on keys that share a hash
     * slot through the domain as hash tag ({@code {example.com}}), so all work in Cluster (CAC-38).
     *
     * @param seed a seed node
     * @param more more seed nodes
     * @return this builder
     * @throws IllegalArgumentException if Lettuce cannot parse one
     * @throws IllegalStateException if a URI or a client is already set
     */
    public Builder clusterUris(String seed, String... more) {
      List<String> all = new ArrayList<>();
      all.add(Objects.requireNonNull(seed, "seed"));
      for (String m : more) {
        all.add(Objects.requireNonNull(m, "uri"));
      }
      all.forEach(RedisURI::create); // fail fast on a malformed URI
      onlyOneServer(all);
      this.clusterUris = List.copyOf(all);
      return this;
    }

    /**
     * Uses this Redis Cluster client; the store opens one connection from it (on its first call)
     * and closes only that. As with {@link #client}, the client's options stay as they are: give it
     * {@code autoReconnect(true)}, {@code disconnectedBehavior(REJECT_COMMANDS)}, a bounded
     * {@code requestQueueSize} and adaptive topology refresh.
     *
     * @param client the cluster client
     * @return this builder
     * @throws IllegalStateException if a URI or a client is already set
     */
    public Builder clusterClient(RedisClusterClient client) {
      Objects.requireNonNull(client, "client");
      onlyOneServer(client);
      this.clusterClient = client;
      return this;
    }

    private void onlyOneServer(Object next) {
      if (uri != null || client != null || clusterUris != null || clusterClient != null) {
        throw new IllegalStateException("a Redis URI or client is already set; set exactly one of uri, client,"
            + " clusterUris and clusterClient (not " + next.getClass().getSimpleName() + ")");
      }
    }

    /**
     * Sets how many failed saves are kept in memory for a retry once Redis answers again
     * (write-behind, the newest per domain; CAC-37); default
     * {@value RedisPolicyStore#DEFAULT_MAX_PENDING_WRITES}. Their policy text together is capped
     * at {@value RedisPolicyStore#MAX_PENDING_CHARS} chars as well.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxPendingWrites(int max) {
      this.maxPendingWrites = Builders.once(this.maxPendingWrites, Builders.atLeast(max, 1, "maxPendingWrites"),
          "maxPendingWrites");
      return this;
    }

    /**
     * Sets how often the kept saves are retried while Redis does not answer; default
     * {@value RedisPolicyStore#DEFAULT_RETRY_INTERVAL_SECONDS} second. A successful call writes
     * them at once as well.
     *
     * @param interval a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder retryInterval(Duration interval) {
      this.retryInterval = Builders.positive(Builders.once(this.retryInterval, interval, "retryInterval"),
          "retryInterval");
      return this;
    }

    /**
     * Sets the prefix of every key; default {@value RedisPolicyStore#DEFAULT_KEY_PREFIX}. Stores with different
     * prefixes on one Redis never see each other's entries.
     *
     * @param prefix a non-empty prefix without {@code {} or {@code }} (Redis Cluster reads those
     *     as a hash tag, which would split a domain's lease and back-off keys across slots)
     * @return this builder
     * @throws IllegalArgumentException if empty or with a brace
     * @throws IllegalStateException if already set
     */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException("the key prefix must not be empty");
      }
      if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("the key prefix must not contain { or }, which Redis Cluster reads as"
            + " a hash tag");
      }
      this.keyPrefix = Builders.once(this.keyPrefix, prefix, "keyPrefix");
      return this;
    }

    /**
     * Sets the timeout of each Redis round trip, and of connecting; default
     * {@value RedisPolicyStore#DEFAULT_TIMEOUT_SECONDS} seconds. Keep it below the resolver's store timeout.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Builders.positive(Builders.once(this.timeout, timeout, "timeout"), "timeout");
      return this;
    }

    /**
     * Sets how long an entry stays in Redis after its expiry; default one day. The resolver never
     * uses an expired entry as valid, but it keeps its TXT id and its body for the next fetch.
     *
     * @param grace a duration of zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder grace(Duration grace) {
      this.grace = Builders.nonNegative(Builders.once(this.grace, grace, "grace"), "grace");
      return this;
    }

    /**
     * Sets the clock that saves compare with and loads clamp to (CAC-20), and that TTLs count
     * from; default: the system clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(InstantSource clock) {
      this.clock = Builders.once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Sets who hears about values that could not be read back; default: a WARN log line.
     *
     * @param handler the handler
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder onCorrupt(CorruptEntryHandler handler) {
      this.onCorrupt = Builders.once(this.onCorrupt, handler, "onCorrupt");
      return this;
    }

    /**
     * Sets how many commands may await a reply at once, for a client the store creates from a URI;
     * default {@value RedisPolicyStore#DEFAULT_REQUEST_QUEUE_SIZE}. Past it, commands fail at once.
     *
     * @param size at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     * @throws IllegalStateException if already set
     */
    public Builder requestQueueSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("requestQueueSize must be at least 1, got " + size);
      }
      if (requestQueueSize != 0) {
        throw new IllegalStateException("requestQueueSize is already set");
      }
      this.requestQueueSize = size;
      return this;
    }

    /**
     * Returns the store. With a {@link #uri}, Redis need not be reachable yet: the first call
     * connects, a call while Redis is down fails within the timeout, and a later call connects
     * again. With a {@link #client}, the store connects here, as Lettuce opens a connection to a
     * client's own URI only synchronously.
     *
     * @return the store
     * @throws IllegalStateException if neither a URI nor a client is set, or a request queue size
     *     is set with a client
     * @throws RedisStoreException if a client is set and Redis cannot be reached within the timeout
     */
    public RedisPolicyStore build() {
      Duration t = timeout != null ? timeout : DEFAULT_TIMEOUT;
      if (requestQueueSize != 0 && (client != null || clusterClient != null)) {
        throw new IllegalStateException("requestQueueSize applies to a client the store creates; set it on your client");
      }
      if (client != null) {
        StatefulRedisConnection<byte[], byte[]> mine = connect(client, t);
        Link link = new Link(mine, mine.async());
        return new RedisPolicyStore(this, null, client.getResources(), () -> CompletableFuture.completedStage(link));
      }
      if (clusterClient != null) {
        RedisClusterClient cc = clusterClient;
        return new RedisPolicyStore(this, null, cc.getResources(), () -> linkCluster(cc, t));
      }
      int queue = requestQueueSize != 0 ? requestQueueSize : DEFAULT_REQUEST_QUEUE_SIZE;
      SocketOptions socket = SocketOptions.builder().connectTimeout(t).build();
      if (clusterUris != null) {
        List<RedisURI> seeds = clusterUris.stream().map(u -> {
          RedisURI r = RedisURI.create(u);
          r.setTimeout(t);
          return r;
        }).toList();
        RedisClusterClient owned = RedisClusterClient.create(seeds);
        owned.setOptions(ClusterClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(queue)
            .socketOptions(socket)
            .timeoutOptions(TimeoutOptions.enabled(t))
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
            .build());
        return new RedisPolicyStore(this, owned, owned.getResources(), () -> linkCluster(owned, t));
      }
      if (uri == null) {
        throw new IllegalStateException("set a Redis URI or a client: uri, client, clusterUris or clusterClient");
      }
      RedisURI redisUri = RedisURI.create(uri);
      redisUri.setTimeout(t);
      RedisClient owned = RedisClient.create(redisUri);
      owned.setOptions(ClientOptions.builder()
          .autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .requestQueueSize(queue)
          .socketOptions(socket)
          .timeoutOptions(TimeoutOptions.enabled(t))
          .build());
      return new RedisPolicyStore(this, owned, owned.getResources(),
          () -> linked(owned.connectAsync(ByteArrayCodec.INSTANCE, redisUri), t, c -> new Link(c, c.async())));
    }

    private static CompletionStage<Link> linkCluster(RedisClusterClient client, Duration t) {
      // An asynchronous cluster connect needs the topology first; the synchronous one loads it itself.
      return linked(client.refreshPartitionsAsync().thenCompose(v -> client.connectAsync(ByteArrayCodec.INSTANCE)), t,
          c -> new Link(c, c.async()));
    }

    /** Completes an asynchronous connect: the connection with the timeout set, or a clear failure. */
    private static <C extends StatefulConnection<byte[], byte[]>> CompletionStage<Link> linked(
        CompletionStage<C> connecting, Duration t, java.util.function.Function<C, Link> link) {
      return connecting.handle((c, e) -> {
        if (e != null) {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          throw new RedisStoreException("cannot connect within " + t.toMillis() + " ms: "
              + SafeText.escape(String.valueOf(cause.getMessage()), 200), cause);
        }
        c.setTimeout(t);
        return link.apply(c);
      });
    }

    private static StatefulRedisConnection<byte[], byte[]> connect(RedisClient client, Duration t) {
      try {
        StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        c.setTimeout(t);
        return c;
      } catch (RuntimeException e) {
        throw new RedisStoreException("Redis policy store: cannot connect within " + t.toMillis() + " ms: "
            + SafeText.escape(String.valueOf(e.getMessage()), 200), e);
      }
    }
  }

  @Override
  public String toString() {
    return "RedisPolicyStore[" + keyPrefix + "*]";
  }
}
