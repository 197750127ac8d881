package dev.mtasts.tlsrpt.dkim;

import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.tlsrpt.inbox.DkimResult;
import dev.mtasts.tlsrpt.inbox.DkimVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.jspecify.annotations.Nullable;

/**
 * Verifies the DKIM signature of a mailed report (RFC 8460 §3, RFC 6376) with Apache James
 * jDKIM, fetching the keys through the project's {@link DnsLookup}, and applies RFC 8460 §3's own
 * rules on top: a signature with {@code l=} does not count (RPT-22), and a key record with an
 * {@code s=} tag must list {@code tlsrpt} or {@code *} (RPT-47). jDKIM checks the body hash, the
 * header hash, the algorithm and the key; it does not read {@code s=}.
 *
 * <p>Bounded: a message with more than {@value #MAX_SIGNATURES} {@code DKIM-Signature} fields
 * fails without a lookup, and all key lookups of one message share one deadline
 * ({@link #create(DnsLookup, Duration)}; {@link #DEFAULT_TIMEOUT} is a sensible value); a lookup that misses it is a failure.
 * {@link #verify(byte[])} blocks the calling thread for at most that long.
 *
 * <p>Key lookups are cached per verifier, so a directory of thousands of mails from a few
 * senders costs a few lookups, not one per mail: at most {@value #MAX_CACHED_KEYS} key names
 * ({@code selector._domainkey.domain}, least recently used dropped first), a key or a "no key"
 * answer for {@link #KEY_CACHE_TIME} (10 minutes), a failed or timed-out lookup for
 * {@link #FAILURE_CACHE_TIME} (1 minute), so a dead name server costs one deadline per key name,
 * not one per mail. A run over N mails thus waits at most about (distinct key names) ×
 * timeout on DNS, however large N is.
 *
 * <p>Instances are thread-safe.
 */
public final class JdkimVerifier implements DkimVerifier {
  /** The most {@code DKIM-Signature} fields verified in one message. */
  public static final int MAX_SIGNATURES = 5;
  /** A sensible deadline for all key lookups of one message: 10 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** The most key names whose lookup outcome one verifier keeps. */
  public static final int MAX_CACHED_KEYS = 1000;
  /** How long a key record, or the answer that there is none, is reused: 10 minutes. */
  public static final Duration KEY_CACHE_TIME = Duration.ofMinutes(10);
  /** How long a failed or timed-out key lookup is reused before it is tried again: 1 minute. */
  public static final Duration FAILURE_CACHE_TIME = Duration.ofMinutes(1);

  private final DnsLookup dns;
  private final Duration timeout;
  private final LongSupplier ticker;
  private final KeyCache cache = new KeyCache();

  private JdkimVerifier(DnsLookup dns, Duration timeout, LongSupplier ticker) {
    this.dns = dns;
    this.timeout = timeout;
    this.ticker = ticker;
  }

  /**
   * Creates a verifier.
   *
   * @param dns the DNS through which keys are fetched ({@code selector._domainkey.domain} TXT)
   * @param timeout the deadline shared by all key lookups of one message, positive; see
   *     {@link #DEFAULT_TIMEOUT}
   * @return the verifier
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public static JdkimVerifier create(DnsLookup dns, Duration timeout) {
    return create(dns, timeout, System::nanoTime);
  }

  /** For tests: the cache ages by the given monotonic nanosecond ticker (ManualClock.ticker()). */
  static JdkimVerifier create(DnsLookup dns, Duration timeout, LongSupplier ticker) {
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(ticker, "ticker");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout.toSeconds() + " s");
    }
    return new JdkimVerifier(dns, timeout, ticker);
  }

  @Override
  public DkimResult verify(byte[] message) {
    int count = signatureFields(message);
    if (count == 0) {
      return new DkimResult(DkimResult.Status.NONE, null, "no DKIM-Signature header field");
    }
    if (count > MAX_SIGNATURES) {
      return new DkimResult(DkimResult.Status.FAIL, null, count + " DKIM-Signature fields; at most "
          + MAX_SIGNATURES + " are verified");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, List<String>> keys = new HashMap<>();
    PublicKeyRecordRetriever retriever = (method, selector, domain) -> {
      if (!"dns/txt".equalsIgnoreCase(method.toString())) {
        throw new PermFailException("unsupported key query method " + method);
      }
      String name = (selector + "._domainkey." + domain).toLowerCase(Locale.ROOT);
      List<String> records = lookup(name, deadline);
      keys.put(name, records);
      return records;
    };
    DKIMVerifier verifier = new DKIMVerifier(retriever);
    List<SignatureRecord> valid;
    try {
      valid = verifier.verify(new ByteArrayInputStream(message));
    } catch (TempFailException e) {
      // RFC 6376 §6.1.2 TEMPFAIL: the key could not be fetched now (DNS down, timeout). That says
      // nothing about the signature: not checked, not failed (RFC 8460 §3 leaves such mails unauthenticated).
      return new DkimResult(DkimResult.Status.NOT_CHECKED, null, "not checked: " + message(e));
    } catch (FailException e) {
      return new DkimResult(DkimResult.Status.FAIL, null, reasons(verifier, message(e)));
    } catch (IOException | RuntimeException e) {
      // jDKIM throws unchecked exceptions on some malformed fields; a hostile mail is a failure.
      return new DkimResult(DkimResult.Status.FAIL, null, "the signature cannot be checked: " + message(e));
    }
    if (valid == null || valid.isEmpty()) {
      return new DkimResult(DkimResult.Status.FAIL, null, reasons(verifier, "no valid signature"));
    }
    List<String> problems = new ArrayList<>();
    for (SignatureRecord s : valid) {
      String d = String.valueOf(s.getDToken()).toLowerCase(Locale.ROOT);
      if (s.getBodyHashLimit() != -1) {
        problems.add("the signature of " + d + " uses l= (RFC 8460 §3 forbids it)");
        continue;
      }
      String name = (s.getSelector() + "._domainkey." + d).toLowerCase(Locale.ROOT);
      String services = serviceTypes(keys.getOrDefault(name, List.of()));
      if (services != null && !allowsTlsRpt(services)) {
        problems.add("the key " + name + " has s=" + services + ", which does not include tlsrpt or * (RFC 8460 §3)");
        continue;
      }
      return new DkimResult(DkimResult.Status.PASS, d, "valid signature of " + d + " (selector " + s.getSelector()
          + ")");
    }
    return new DkimResult(DkimResult.Status.FAIL, null, String.join("; ", problems));
  }

  /** The cached outcome of the name's lookup, or a fresh lookup whose outcome is cached. */
  private List<String> lookup(String name, long deadline) throws TempFailException, PermFailException {
    long now = ticker.getAsLong();
    Cached c = cache.get(name, now);
    if (c == null) {
      if (deadline - System.nanoTime() <= 0) {
        // Not asked, so nothing learnt about the name: other mails still look it up.
        throw new TempFailException("no time left to look up " + name);
      }
      try {
        c = new Cached(now + KEY_CACHE_TIME.toNanos(), fetch(name, deadline), null, false);
      } catch (PermFailException e) {
        c = new Cached(now + KEY_CACHE_TIME.toNanos(), List.of(), message(e), false);
      } catch (TempFailException e) {
        c = new Cached(now + FAILURE_CACHE_TIME.toNanos(), List.of(), message(e), true);
      }
      cache.put(name, c);
    }
    String failure = c.failure();
    if (failure == null) {
      return c.records();
    }
    if (c.temporary()) {
      throw new TempFailException(failure);
    }
    throw new PermFailException(failure);
  }

  private List<String> fetch(String name, long deadline) throws TempFailException, PermFailException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TempFailException("no time left to look up " + name);
    }
    DnsOutcome<String> o;
    try {
      o = dns.txt(name).toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TempFailException("the key lookup of " + name + " timed out");
    } catch (ExecutionException e) {
      throw new TempFailException("the key lookup of " + name + " failed: " + message(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TempFailException("interrupted while looking up " + name);
    }
    if (o instanceof DnsOutcome.Records<String> r) {
      return r.records();
    }
    if (o instanceof DnsOutcome.TemporaryFailure<String> t) {
      throw new TempFailException("the key lookup of " + name + " failed: " + t.message());
    }
    throw new PermFailException("no key at " + name);
  }

  /** One lookup's outcome: the records, or why there are none (temporary: worth asking again). */
  private record Cached(long expiresAt, List<String> records, @Nullable String failure, boolean temporary) {}

  /** The bounded, least-recently-used cache of lookup outcomes by key name. */
  private static final class KeyCache {
    private final LinkedHashMap<String, Cached> map = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
        return size() > MAX_CACHED_KEYS;
      }
    };

    synchronized @Nullable Cached get(String name, long now) {
      Cached c = map.get(name);
      if (c != null && now - c.expiresAt() >= 0) {
        map.remove(name);
        return null;
      }
      return c;
    }

    synchronized void put(String name, Cached c) {
      map.put(name, c);
    }

    synchronized int size() {
      return map.size();
    }
  }

  /** How many key names are cached now (for tests). */
  int cachedKeys() {
    return cache.size();
  }

  /** Counts the DKIM-Signature fields of the header section. */
  static int signatureFields(byte[] message) {
    String text = new String(message, 0, Math.min(message.length, 1 << 20), StandardCharsets.ISO_8859_1);
    int n = 0;
    int pos = 0;
    while (pos < text.length()) {
      int eol = text.indexOf('\n', pos);
      String line = text.substring(pos, eol < 0 ? text.length() : eol);
      if (line.isEmpty() || line.equals("\r")) {
        break;
      }
      if (line.regionMatches(true, 0, "DKIM-Signature:", 0, 15)) {
        n++;
      }
      if (eol < 0) {
        break;
      }
      pos = eol + 1;
    }
    return n;
  }

  /** The s= value of the first key record (the one jDKIM takes), or null when it has none. */
  static @Nullable String serviceTypes(List<String> records) {
    for (String r : records) {
      if (!r.contains("p=")) {
        continue;
      }
      for (String tag : r.split(";")) {
        int eq = tag.indexOf('=');
        if (eq > 0 && tag.substring(0, eq).strip().equals("s")) {
          return tag.substring(eq + 1).strip();
        }
      }
      return null;
    }
    return null;
  }

  /** RFC 8460 §3: the service types must include {@code tlsrpt} or {@code *}. */
  static boolean allowsTlsRpt(String services) {
    for (String s : services.split(":")) {
      String t = s.strip();
      if (t.equals("*") || t.equalsIgnoreCase("tlsrpt")) {
        return true;
      }
    }
    return false;
  }

  private static String reasons(DKIMVerifier verifier, String fallback) {
    List<String> out = new ArrayList<>();
    List<Result> results = verifier.getResults();
    if (results != null) {
      for (Result r : results) {
        if (r.isFail() && r.getErrorMessage() != null) {
          out.add(r.getErrorMessage());
        }
      }
    }
    return out.isEmpty() ? fallback : String.join("; ", out);
  }

  /** A failure's message for a person: no exception class names. */
  private static String message(@Nullable Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? "unknown error" : m;
  }
}
