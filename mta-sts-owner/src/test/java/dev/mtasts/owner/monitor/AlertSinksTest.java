package dev.mtasts.owner.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MON-36: the JSON form of an alert and the JSON lines sink; the log sink. */
class AlertSinksTest {
  static final Instant AT = Instant.parse("2026-03-19T00:00:00Z");

  @TempDir
  Path dir;

  static Alert alert(String after) {
    return new Alert(AlertCode.MX_CERT_EXPIRING, AlertStatus.FIRING, Severity.WARNING, PolicyDomain.of("example.com"),
        "mx1.example.com", null, after, AlertCode.MX_CERT_EXPIRING.fix("example.com", "mx1.example.com"), AT, AT);
  }

  static Map<String, String> members(String json) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        out.put(name, v == JsonToken.VALUE_NULL ? "null" : p.getText());
      }
      assertThat(p.nextToken()).isNull();
    }
    return out;
  }

  @Test
  void anAlertIsOneJsonObjectWithTheDocumentedMembersInOrder() throws IOException {
    String json = AlertJson.toJson(alert("expires within 14 days"));
    assertThat(json).doesNotContain("\n");
    Map<String, String> m = members(json);
    assertThat(m.keySet()).containsExactly("schema", "code", "status", "severity", "domain", "subject", "before",
        "after", "fix", "checklist_id", "at", "since");
    assertThat(m).containsEntry("schema", "mta-sts-alert/1").containsEntry("code", "MX_CERT_EXPIRING")
        .containsEntry("status", "firing").containsEntry("severity", "warning").containsEntry("before", "null")
        .containsEntry("fix", "Renew the certificate of mx1.example.com.").containsEntry("checklist_id", "MON-14")
        .containsEntry("at", "2026-03-19T00:00:00Z");
  }

  /** SEC-12: network text with control characters is escaped in the alert, and the JSON stays one line. */
  @Test
  void networkTextIsEscapedBeforeItReachesASink() throws IOException {
    Alert a = alert("EHLO \u001b]0;owned\u0007 line\nbreak");
    assertThat(a.after()).doesNotContain("\u001b", "\n").contains("\\e");
    assertThat(a.summary()).doesNotContain("\u001b", "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesAlertSink.toStream(out).publish(a).toCompletableFuture().join();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    assertThat(text.strip()).doesNotContain("\n");
    assertThat(members(text.strip())).containsEntry("after", a.after());
  }

  @Test
  void theFileSinkAppendsOneLinePerAlert() throws IOException {
    Path file = dir.resolve("alerts.jsonl");
    Files.writeString(file, "{\"earlier\":1}\n");
    try (JsonLinesAlertSink sink = JsonLinesAlertSink.toFile(file)) {
      sink.publish(alert("one")).toCompletableFuture().join();
      sink.publish(alert("two")).toCompletableFuture().join();
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(members(lines.get(1))).containsEntry("after", "one");
    assertThat(members(lines.get(2))).containsEntry("after", "two");
  }

  @Test
  void theLogSinkCompletesAtOnce() {
    assertThat(new LogAlertSink().publish(alert("x")).toCompletableFuture()).isCompleted();
    Alert resolved = new Alert(AlertCode.STS_RECORD_GONE, AlertStatus.RESOLVED, Severity.ERROR,
        PolicyDomain.of("example.com"), "_mta-sts.example.com", "gone", null, "fix", AT, AT);
    assertThat(resolved.summary()).isEqualTo("error resolved STS_RECORD_GONE example.com _mta-sts.example.com: gone -> (cleared)");
    assertThat(new LogAlertSink().publish(resolved).toCompletableFuture()).isCompleted();
  }
}
