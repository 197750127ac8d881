package dev.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML configuration: the schema, the defaults and every error with its line. */
class DaemonConfigTest {
  @TempDir Path dir;

  static List<String> errors(String yaml) {
    try {
      DaemonConfig.parse(yaml, "postfix.yml");
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("no error for:\n" + yaml);
  }

  @Test
  @DisplayName("PFX-18: a full configuration is read into every option")
  void fullConfigurationIsRead() throws Exception {
    DaemonConfig c = DaemonConfig.parse(String.join("\n",
        "listen:",
        "  tcp: 127.0.0.1:9000",
        "  unix: /run/mta-sts/socketmap.sock",
        "  unix_mode: \"0600\"",
        "store:",
        "  directory: /var/lib/x",
        "dns:",
        "  servers: [127.0.0.1, \"[::1]:5353\"]",
        "  timeout: 2s",
        "dane: false",
        "metrics:",
        "  listen: none",
        "limits:",
        "  max_connections: 10",
        "  max_request_bytes: 1024",
        "  idle_timeout: 1m",
        "  shutdown_grace: 500ms",
        "refresh:",
        "  interval: 1h",
        "zones:",
        "  postfix:",
        "  strict:",
        "    strict_testing: true",
        "    temp_failure: temp",
        "    tlsrpt: true",
        "    dane_answer: dane",
        "    query_timeout: 3s",
        ""), "postfix.yml");
    assertThat(c.tcp()).isEqualTo(new InetSocketAddress("127.0.0.1", 9000));
    assertThat(c.unixSocket()).isEqualTo(Path.of("/run/mta-sts/socketmap.sock"));
    assertThat(c.unixMode()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(c.storeDirectory()).isEqualTo(Path.of("/var/lib/x"));
    assertThat(c.dnsServers()).containsExactly("127.0.0.1", "[::1]:5353");
    assertThat(c.dnsTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.dane()).isFalse();
    assertThat(c.metrics()).isNull();
    assertThat(c.maxConnections()).isEqualTo(10);
    assertThat(c.maxRequestBytes()).isEqualTo(1024);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.refreshInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(c.zones()).containsOnlyKeys("postfix", "strict");
    assertThat(c.zones().get("postfix")).isEqualTo(ZoneOptions.defaults());
    assertThat(c.zones().get("strict")).isEqualTo(new ZoneOptions(true, ZoneOptions.TempFailureAnswer.TEMP, true,
        ZoneOptions.DaneAnswer.DANE, Duration.ofSeconds(3)));
  }

  @Test
  @DisplayName("PFX-18, PFX-16: an empty file means the defaults: loopback, a persistent store, one zone")
  void emptyFileMeansDefaults() throws Exception {
    DaemonConfig c = DaemonConfig.parse("# nothing\n", "postfix.yml");
    assertThat(c).isEqualTo(DaemonConfig.defaults());
    assertThat(c.tcp()).isEqualTo(new InetSocketAddress("127.0.0.1", 8461));
    assertThat(c.storeDirectory()).isEqualTo(Path.of("/var/lib/mta-sts-postfix"));
    assertThat(c.metrics().getAddress().isLoopbackAddress()).isTrue();
    assertThat(c.zones()).containsOnlyKeys("postfix");
  }

  @Test
  @DisplayName("PFX-6, PFX-18: dns.dnssec chooses where DANE detection gets DNSSEC answers; auto trusts only loopback")
  void dnssecModeIsReadAndAutoTrustsOnlyLoopback() throws Exception {
    DaemonConfig anchors = DaemonConfig.parse(String.join("\n",
        "dns:", "  dnssec: anchors", "  trust_anchors: /etc/mta-sts/root.ds", ""), "postfix.yml");
    assertThat(anchors.dnssec()).isEqualTo(DaemonConfig.Dnssec.ANCHORS);
    assertThat(anchors.trustAnchors()).isEqualTo(Path.of("/etc/mta-sts/root.ds"));
    assertThat(DaemonConfig.parse("dns:\n  dnssec: trust-ad\n", "postfix.yml").dnssec())
        .isEqualTo(DaemonConfig.Dnssec.TRUST_AD);
    assertThat(errors("dns:\n  dnssec: maybe\n"))
        .containsExactly("postfix.yml:2: dns.dnssec must be auto, trust-ad, anchors or off, not 'maybe'");

    assertThat(PostfixDaemon.dnssec(DaemonConfig.parse("dns:\n  servers: [127.0.0.1, '[::1]:5353']\n", "postfix.yml")))
        .isEqualTo(DaemonConfig.Dnssec.TRUST_AD);
    assertThat(PostfixDaemon.dnssec(DaemonConfig.parse("dns:\n  servers: [127.0.0.1, 192.0.2.53]\n", "postfix.yml")))
        .isEqualTo(DaemonConfig.Dnssec.OFF);
    assertThat(PostfixDaemon.dnssec(DaemonConfig.defaults())).isEqualTo(DaemonConfig.Dnssec.OFF);
  }

  @Test
  @DisplayName("PFX-18: every error is reported at once, each with its line, in the user's words")
  void everyErrorIsReportedWithItsLine() {
    assertThat(errors(String.join("\n",
        "listen:",
        "  tcp: localhost",            // 2: not host:port
        "zone:",                        // 3: unknown key, suggestion
        "  postfix: {}",
        "limits:",
        "  max_connections: many",     // 6: wrong type
        "  idle_timeout: 5 parsecs",   // 7: not a duration
        "zones:",
        "  postfix:",
        "    temp_failure: maybe",     // 10: bad value
        "    strict_testing: yes",     // 11: YAML 1.2: not a boolean
        "    query_timeout: 101s",     // 12: out of range
        "    tlsrpt: true",
        "    tlsrpt: false",           // 14: given twice
        "store:",
        "  directory: relative/dir",   // 16: not absolute
        ""))).containsExactly(
            "postfix.yml:2: listen.tcp must be host:port, such as 127.0.0.1:8461 or [::1]:8461, or none",
            "postfix.yml:3: unknown key 'zone' in the file (did you mean zones?)",
            "postfix.yml:6: limits.max_connections must be a whole number from 1 to 100000",
            "postfix.yml:7: limits.idle_timeout must be a duration such as 10s, 5m or 1h",
            "postfix.yml:10: zones.postfix.temp_failure must be notfound or temp, not 'maybe'",
            "postfix.yml:11: zones.postfix.strict_testing must be true or false",
            "postfix.yml:12: zones.postfix.query_timeout must be from 100ms to 100s, not 101s",
            "postfix.yml:14: 'tlsrpt' is given twice in zones.postfix",
            "postfix.yml:16: store.directory must be an absolute path, not 'relative/dir'");
  }

  @Test
  @DisplayName("PFX-18: a YAML syntax error names its line; wrong shapes and a missing listener are errors")
  void syntaxAndShapeErrors() {
    assertThat(errors("listen:\n  tcp: [127.0.0.1:8461\nzones: {}\n")).singleElement().asString()
        .startsWith("postfix.yml:").contains("not valid YAML");
    assertThat(errors("- a\n- b\n")).containsExactly(
        "postfix.yml:1: the file must be a mapping of dane, dns, limits, listen, metrics, refresh, store, zones");
    assertThat(errors("zones: {}\n")).containsExactly("postfix.yml:1: zones must name at least one zone, such as postfix");
    assertThat(errors("listen:\n  tcp: none\n")).containsExactly(
        "postfix.yml:2: listen needs tcp or unix: the daemon would not be reachable");
    assertThat(errors("zones:\n  \"a b\":\n")).containsExactly(
        "postfix.yml:2: zone name 'a b' must be 1 to 64 printable characters without spaces");
  }

  @Test
  @DisplayName("PFX-18: the file must be a regular UTF-8 file of at most 1 MiB")
  void fileChecks() throws Exception {
    assertThatThrownBy(() -> DaemonConfig.load(dir)).isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(": not a regular file");
    assertThatThrownBy(() -> DaemonConfig.load(dir.resolve("missing.yml"))).isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(": no such file");
    Path big = Files.write(dir.resolve("big.yml"), new byte[(1 << 20) + 1]);
    assertThatThrownBy(() -> DaemonConfig.load(big)).hasMessageEndingWith(": larger than 1 MiB");
    Path latin = Files.write(dir.resolve("latin.yml"), new byte[] {'#', (byte) 0xe9, '\n'});
    assertThatThrownBy(() -> DaemonConfig.load(latin)).hasMessageEndingWith(": not UTF-8 text");
    Path ok = Files.writeString(dir.resolve("ok.yml"), "dane: false\n");
    assertThat(DaemonConfig.load(ok).dane()).isFalse();
  }
}
