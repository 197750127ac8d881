package dev.mtasts.owner.monitor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of an {@link Alert}, one object on one line, as every JSON sink writes it (JSON
 * lines, webhook). The schema is documented in {@code docs/alerts.md} (MON-36); its {@code schema}
 * member names the version, {@value #SCHEMA}, and new members may be added without changing it.
 */
public final class AlertJson {
  /** The value of the {@code schema} member. */
  public static final String SCHEMA = "mta-sts-alert/1";

  private static final JsonFactory JSON = new JsonFactory();

  private AlertJson() {}

  /**
   * Writes an alert as one line of JSON, without the line break.
   *
   * @param a the alert
   * @return the JSON object; control characters are escaped by the JSON encoder
   */
  public static String toJson(Alert a) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", SCHEMA);
      g.writeStringField("code", a.code().name());
      g.writeStringField("status", a.status().token());
      g.writeStringField("severity", a.severity().token());
      g.writeStringField("domain", a.domain().name());
      g.writeStringField("subject", a.subject());
      nullable(g, "before", a.before());
      nullable(g, "after", a.after());
      g.writeStringField("fix", a.fix());
      g.writeStringField("checklist_id", a.code().checklistId());
      g.writeStringField("at", a.at().toString());
      g.writeStringField("since", a.since().toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void nullable(JsonGenerator g, String name, @Nullable String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }
}
