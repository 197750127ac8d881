package dev.mtasts.tlsrpt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Shared fixtures: a settable clock, a fake DNS, a JSON reader independent of the parser. */
final class TestSupport {
  private TestSupport() {}

  static final String POLICY_BODY = "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: *.mx.example.com\r\nmax_age: 86400\r\n";

  static ReportPolicy stsPolicy(String domain) {
    return ReportPolicy.sts(PolicyDomain.of(domain), MtaStsPolicy.parse(POLICY_BODY), POLICY_BODY);
  }

  /** A clock the test moves; safe to read from many threads. */
  static final class MutableClock implements InstantSource {
    private final AtomicLong millis;

    MutableClock(Instant start) {
      this.millis = new AtomicLong(start.toEpochMilli());
    }

    void set(Instant t) {
      millis.set(t.toEpochMilli());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }

  /** Answers TXT lookups from a map, synchronously; counts lookups per name. */
  static final class FakeDns implements DnsLookup {
    final Map<String, DnsOutcome<String>> txt = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    FakeDns record(String name, String... values) {
      txt.put(name, new DnsOutcome.Records<>(name, List.of(values), List.of()));
      return this;
    }

    @Override
    public CompletionStage<DnsOutcome<String>> txt(String name) {
      lookups.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      return CompletableFuture.completedFuture(txt.getOrDefault(name, new DnsOutcome.NoSuchName<>(name)));
    }

    @Override
    public CompletionStage<DnsOutcome<MxRecord>> mx(String name) {
      return CompletableFuture.completedFuture(new DnsOutcome.NoData<>(name));
    }

    @Override
    public CompletionStage<DnsOutcome<java.net.InetAddress>> addresses(String host) {
      return CompletableFuture.completedFuture(new DnsOutcome.NoData<>(host));
    }
  }

  /**
   * Copies the files of a state directory as they are at this moment: what a process killed now
   * would leave on disk. The copy is opened by the "restarted" recorder and scheduler.
   */
  static Path crashCopy(Path from, Path to) {
    try {
      Files.createDirectories(to);
      try (Stream<Path> files = Files.list(from)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(f)) {
            Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of the files in a directory, sorted. */
  static List<String> fileNames(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads JSON into maps, lists, strings, Long/Double numbers, booleans and null, keeping the JSON
   * types visible, so tests can check them field by field without using the parser under test.
   */
  static Object readJson(byte[] json) {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      Object v = value(p, p.nextToken());
      if (p.nextToken() != null) {
        throw new IllegalStateException("trailing content after the JSON value");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          if (m.containsKey(name)) {
            throw new IllegalStateException("duplicate member " + name + " (I-JSON forbids it)");
          }
          m.put(name, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          l.add(value(p, e));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IllegalStateException("unexpected token " + t);
    }
  }

  /** Stands for JSON null in maps (which cannot hold null values in assertions nicely). */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> arr(Object o) {
    return (List<Object>) o;
  }
}
