package dev.mtasts.cli.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.mtasts.core.ExtensionField;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MxPattern;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.owner.Finding;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON output of every command, written with jackson-core's streaming generator; the shapes
 * are documented in {@code docs/cli.md}.
 */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /** Writes one JSON document to {@code out}. */
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static void print(PrintWriter out, Body body) {
    try {
      JsonGenerator g = FACTORY.createGenerator(out);
      g.setPrettyPrinter(new DefaultPrettyPrinter());
      body.write(g);
      g.flush();
      out.println();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void policy(JsonGenerator g, String field, @Nullable MtaStsPolicy p) throws IOException {
    g.writeFieldName(field);
    if (p == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("version", p.version());
    g.writeStringField("mode", p.mode().token());
    g.writeArrayFieldStart("mx");
    for (MxPattern m : p.mx()) {
      g.writeString(m.toString());
    }
    g.writeEndArray();
    g.writeNumberField("max_age", p.maxAgeSeconds());
    g.writeObjectFieldStart("extensions");
    for (ExtensionField f : p.extensions()) {
      g.writeStringField(f.name(), f.value());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  static void problems(JsonGenerator g, List<ParseProblem> problems) throws IOException {
    g.writeArrayFieldStart("problems");
    for (ParseProblem p : problems) {
      g.writeStartObject();
      g.writeStringField("code", p.code().name());
      g.writeStringField("severity", p.severity().token());
      g.writeNumberField("line", p.line());
      g.writeNumberField("column", p.column());
      g.writeStringField("message", p.message());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static void findings(JsonGenerator g, List<Finding> findings) throws IOException {
    g.writeArrayFieldStart("findings");
    for (Finding f : findings) {
      g.writeStartObject();
      g.writeStringField("code", f.code().name());
      g.writeStringField("severity", f.severity().token());
      g.writeStringField("checklist_id", f.checklistId());
      g.writeStringField("message", f.message());
      g.writeStringField("fix", f.fix());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static void certificate(JsonGenerator g, String field, @Nullable CertificateSummary c) throws IOException {
    g.writeFieldName(field);
    if (c == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("subject", c.subject());
    g.writeStringField("issuer", c.issuer());
    g.writeArrayFieldStart("dns_names");
    for (String n : c.dnsNames()) {
      g.writeString(n);
    }
    g.writeEndArray();
    g.writeStringField("not_before", c.notBefore().toString());
    g.writeStringField("not_after", c.notAfter().toString());
    g.writeStringField("sha256", c.sha256Fingerprint());
    g.writeEndObject();
  }

  static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  static void nullableString(JsonGenerator g, String field, @Nullable String value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, value);
    }
  }
}
