package dev.mtasts.owner.monitor.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.AlertStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON body of a state file: written by this class only, read back with every field checked.
 * Anything unexpected is an {@link IllegalArgumentException}, and the file is set aside.
 */
final class StateCodec {
  /** Depth of the state document: object, map, object. */
  private static final int MAX_DEPTH = 4;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1)
          .maxStringLength(StateStore.MAX_FILE_BYTES).build())
      .build();

  private StateCodec() {}

  static byte[] encode(DomainState s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("domain", s.domain.name());
      g.writeArrayFieldStart("open");
      for (DomainState.OpenAlert a : s.open.values()) {
        g.writeStartObject();
        g.writeStringField("code", a.code().name());
        g.writeStringField("subject", a.subject());
        g.writeStringField("level", a.level());
        g.writeStringField("severity", a.severity().name());
        g.writeStringField("detail", a.detail());
        g.writeStringField("since", a.since().toString());
        g.writeStringField("last_notified", a.lastNotified().toString());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("policy_failures", s.policyFailures);
      g.writeNumberField("incomplete_checks", s.incompleteChecks);
      g.writeObjectFieldStart("mx_failures");
      for (Map.Entry<String, Integer> e : s.mxFailures.entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      nullable(g, "observed_id", s.observedId);
      nullable(g, "observed_policy", s.observedPolicy);
      nullable(g, "stale_id", s.staleId);
      g.writeFieldName("policy_cert");
      cert(g, s.policyCert);
      g.writeObjectFieldStart("mx_certs");
      for (Map.Entry<String, DomainState.CertSeen> e : s.mxCerts.entrySet()) {
        g.writeFieldName(e.getKey());
        cert(g, e.getValue());
      }
      g.writeEndObject();
      if (s.mxHosts == null) {
        g.writeNullField("mx_hosts");
      } else {
        g.writeArrayFieldStart("mx_hosts");
        for (String h : s.mxHosts) {
          g.writeString(h);
        }
        g.writeEndArray();
      }
      nullable(g, "testing_since", s.testingSince == null ? null : s.testingSince.toString());
      nullable(g, "last_checked", s.lastChecked == null ? null : s.lastChecked.toString());
      g.writeArrayFieldStart("history");
      for (Alert a : s.history) {
        g.writeStartObject();
        g.writeStringField("code", a.code().name());
        g.writeStringField("status", a.status().name());
        g.writeStringField("severity", a.severity().name());
        g.writeStringField("subject", a.subject());
        nullable(g, "before", a.before());
        nullable(g, "after", a.after());
        g.writeStringField("at", a.at().toString());
        g.writeStringField("since", a.since().toString());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void nullable(JsonGenerator g, String name, @Nullable String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }

  private static void cert(JsonGenerator g, DomainState.@Nullable CertSeen c) throws IOException {
    if (c == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("sha256", c.fingerprint());
    g.writeStringField("description", c.description());
    g.writeEndObject();
  }

  /**
   * Reads a body.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static DomainState decode(byte[] body) {
    Map<String, @Nullable Object> root;
    try (JsonParser p = JSON.createParser(body)) {
      root = object(read(p, p.nextToken()), "the document");
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("data after the document");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    try {
      DomainState s = new DomainState(PolicyDomain.of(string(root, "domain")));
      for (Object o : list(root.get("open"), "open")) {
        Map<String, @Nullable Object> a = object(o, "an open alert");
        DomainState.OpenAlert alert = new DomainState.OpenAlert(AlertCode.valueOf(string(a, "code")),
            string(a, "subject"), string(a, "level"), Severity.valueOf(string(a, "severity")), string(a, "detail"),
            Instant.parse(string(a, "since")), Instant.parse(string(a, "last_notified")));
        if (s.open.size() >= DomainState.MAX_OPEN
            || s.open.put(DomainState.key(alert.code(), alert.subject()), alert) != null) {
          throw new IllegalArgumentException("too many or repeated open alerts");
        }
      }
      s.policyFailures = count(root.get("policy_failures"));
      s.incompleteChecks = count(root.get("incomplete_checks"));
      for (Map.Entry<String, @Nullable Object> e : object(root.get("mx_failures"), "mx_failures").entrySet()) {
        s.mxFailures.put(e.getKey(), count(e.getValue()));
      }
      s.observedId = nullableString(root, "observed_id");
      s.observedPolicy = nullableString(root, "observed_policy");
      s.staleId = nullableString(root, "stale_id");
      s.policyCert = cert(root.get("policy_cert"));
      for (Map.Entry<String, @Nullable Object> e : object(root.get("mx_certs"), "mx_certs").entrySet()) {
        DomainState.CertSeen c = cert(e.getValue());
        if (c != null) {
          s.mxCerts.put(e.getKey(), c);
        }
      }
      Object hosts = root.get("mx_hosts");
      if (hosts != null) {
        List<String> h = new ArrayList<>();
        for (Object o : list(hosts, "mx_hosts")) {
          h.add(string(o, "an MX host"));
        }
        s.mxHosts = List.copyOf(h);
      }
      String since = nullableString(root, "testing_since");
      s.testingSince = since == null ? null : Instant.parse(since);
      // Files written before the history was kept have neither member.
      String checked = nullableString(root, "last_checked");
      s.lastChecked = checked == null ? null : Instant.parse(checked);
      Object history = root.get("history");
      if (history != null) {
        for (Object o : list(history, "history")) {
          s.history.addLast(pastAlert(s.domain, object(o, "a past alert")));
        }
        if (s.history.size() > DomainState.MAX_HISTORY) {
          throw new IllegalArgumentException("more than " + DomainState.MAX_HISTORY + " past alerts");
        }
      }
      return s;
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static Alert pastAlert(PolicyDomain domain, Map<String, @Nullable Object> a) {
    AlertCode code = AlertCode.valueOf(string(a, "code"));
    String subject = string(a, "subject");
    return new Alert(code, AlertStatus.valueOf(string(a, "status")), Severity.valueOf(string(a, "severity")), domain,
        subject, nullableString(a, "before"), nullableString(a, "after"), code.fix(domain.name(), subject),
        Instant.parse(string(a, "at")), Instant.parse(string(a, "since")));
  }

  private static DomainState.@Nullable CertSeen cert(@Nullable Object o) {
    if (o == null) {
      return null;
    }
    Map<String, @Nullable Object> c = object(o, "a certificate");
    return new DomainState.CertSeen(string(c, "sha256"), string(c, "description"));
  }

  private static int count(@Nullable Object o) {
    if (o instanceof Long n && n >= 0 && n <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw new IllegalArgumentException("a count is not a small number: " + o);
  }

  private static String string(Map<String, @Nullable Object> m, String name) {
    return string(m.get(name), name);
  }

  private static String string(@Nullable Object o, String what) {
    if (o instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(what + " is not a string");
  }

  private static @Nullable String nullableString(Map<String, @Nullable Object> m, String name) {
    Object o = m.get(name);
    return o == null ? null : string(o, name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, @Nullable Object> object(@Nullable Object o, String what) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, @Nullable Object>) m;
    }
    throw new IllegalArgumentException(what + " is not an object");
  }

  private static List<?> list(@Nullable Object o, String what) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(what + " is not an array");
  }

  /** Reads one value as maps, lists, strings, longs and nulls; depth is capped by the factory. */
  private static @Nullable Object read(JsonParser p, @Nullable JsonToken t) throws IOException {
    if (t == null) {
      throw new IllegalArgumentException("truncated");
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          if (m.containsKey(name)) {
            throw new IllegalArgumentException("repeated member " + name);
          }
          m.put(name, read(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<@Nullable Object> l = new ArrayList<>();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          l.add(read(p, v));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getLongValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IllegalArgumentException("unexpected " + t);
    }
  }
}
