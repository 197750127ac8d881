package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.owner.PolicyIds;
import dev.mtasts.testing.KnotServer;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.ScriptedHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TestSmtpServer;
import dev.mtasts.testing.TunnelProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mta-sts check} end to end: a real knotd serving the records, an HTTPS policy host reached
 * through a CONNECT proxy with the real names, and STARTTLS SMTP servers, all on loopback. Each
 * broken scenario must yield its own finding code.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckCommandIT {
  static final String ZONE = "example.test";
  static final List<String> SCENARIOS = List.of("clean", "multiple", "notbumped", "drift", "redirect", "ctype",
      "uncovered", "expiredmx", "nostarttls", "cnonly", "maxage", "hostile", "hostilect", "hostilestatus");
  /** ESC ] 0 ; title BEL sets a terminal's window title; ESC [ 2 J clears its screen. */
  static final String TITLE = "\u001b]0;pwned\u0007";
  static final String CLEAR = "\u001b[2J";
  /** The same sequences as a zone file writes them (RFC 1035 §5.1 decimal escapes). */
  static final String TITLE_IN_ZONE = "\\027]0;pwned\\007";
  static final String CLEAR_IN_ZONE = "\\027[2J";

  static TestPki pki;
  static KnotServer knot;
  static PolicyHost host;
  static TunnelProxy proxy;
  static TestSmtpServer goodSmtp;
  static TestSmtpServer expiredSmtp;
  static TestSmtpServer plainSmtp;
  static TestSmtpServer cnOnlySmtp;
  /** An SMTP server whose greeting and EHLO reply carry terminal control sequences. */
  static ScriptedHost hostileSmtp;
  /** A policy host whose status line carries terminal control sequences, and the proxy to it. */
  static ScriptedHost hostileHttps;
  static TunnelProxy hostileProxy;
  static Path caFile;
  /** What the policy host answers, by Host header. */
  static final Map<String, Response> RESPONSES = new ConcurrentHashMap<>();

  record Response(int status, String contentType, String body, String location) {}

  static String policy(String domain) {
    return "version: STSv1\nmode: enforce\nmx: mx." + domain + "\nmax_age: 604800\n";
  }

  @BeforeAll
  static void start(@TempDir Path tmp) throws Exception {
    pki = TestPki.create();
    StringBuilder zone = new StringBuilder("$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n");
    for (String s : SCENARIOS) {
      String domain = s + "." + ZONE;
      String body = policy(domain);
      String id = PolicyIds.contentId(MtaStsPolicy.parse(body));
      RESPONSES.put("mta-sts." + domain, new Response(200, "text/plain", body, ""));
      zone.append("_smtp._tls.").append(s).append(" TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@").append(domain).append("\"\n");
      zone.append(s).append(" MX 10 mx.").append(s).append('\n');
      zone.append("mx.").append(s).append(" A 127.0.0.1\n");
      switch (s) {
        case "multiple" -> zone.append("_mta-sts.").append(s).append(" TXT \"v=STSv1; id=1\"\n_mta-sts.").append(s)
            .append(" TXT \"v=STSv1; id=2\"\n");
        case "notbumped" -> {
          String old = body.replace("enforce", "testing");
          zone.append("_mta-sts.").append(s).append(" TXT \"v=STSv1; id=")
              .append(PolicyIds.contentId(MtaStsPolicy.parse(old))).append("\"\n");
        }
        case "drift" -> zone.append("_mta-sts.").append(s).append(" TXT \"v=STSv1; id=20260101\"\n");
        case "hostile" -> zone.append("_mta-sts.").append(s).append(" TXT \"v=STSv1; id=").append(TITLE_IN_ZONE)
            .append(CLEAR_IN_ZONE).append("\"\n_smtp._tls.").append(s).append(" TXT \"note ").append(TITLE_IN_ZONE)
            .append("\"\n");
        default -> zone.append("_mta-sts.").append(s).append(" TXT \"v=STSv1; id=").append(id).append("\"\n");
      }
    }
    zone.append("mx.other A 127.0.0.1\n");
    zone.append("uncovered MX 20 mx.other\n");
    RESPONSES.put("mta-sts.redirect." + ZONE, new Response(301, "text/plain", "", "https://elsewhere.example.test/"));
    RESPONSES.put("mta-sts.ctype." + ZONE, new Response(200, "text/html", policy("ctype." + ZONE), ""));
    RESPONSES.put("mta-sts.maxage." + ZONE, new Response(200, "text/plain",
        policy("maxage." + ZONE).replace("604800", "99999999"), ""));
    RESPONSES.put("mta-sts.hostile." + ZONE, new Response(301, "text/plain", "",
        "https://evil.example.test/" + TITLE + CLEAR));
    RESPONSES.put("mta-sts.hostilect." + ZONE, new Response(200, "text/html" + TITLE + CLEAR,
        policy("hostilect." + ZONE), ""));
    knot = KnotServer.start(Map.of(ZONE, zone.toString()));

    List<String> policyHosts = new ArrayList<>();
    List<String> mxHosts = new ArrayList<>();
    for (String s : SCENARIOS) {
      policyHosts.add("mta-sts." + s + "." + ZONE);
      mxHosts.add("mx." + s + "." + ZONE);
    }
    host = PolicyHost.start(pki.leaf().dnsNames(policyHosts.toArray(new String[0])).issue(), CheckCommandIT::answer);
    proxy = TunnelProxy.to(host.address());
    goodSmtp = TestSmtpServer.start(pki.leaf().dnsNames(mxHosts.toArray(new String[0])).issue().serverContext());
    expiredSmtp = TestSmtpServer.start(pki.leaf().dnsNames("mx.expiredmx." + ZONE).expired().issue().serverContext());
    plainSmtp = TestSmtpServer.start(null);
    cnOnlySmtp = TestSmtpServer.start(pki.leaf().commonName("mx.cnonly." + ZONE).issue().serverContext());
    hostileSmtp = ScriptedHost.start(CheckCommandIT::hostileSmtp);
    SSLContext hostileTls = pki.leaf().dnsNames("mta-sts.hostilestatus." + ZONE).issue().serverContext();
    hostileHttps = ScriptedHost.start(socket -> {
      try (SSLSocket tls = ScriptedHost.tls(socket, hostileTls)) {
        ScriptedHost.readHead(tls.getInputStream());
        tls.getOutputStream().write(("HTTP/1.1 2" + CLEAR + "00 OK " + TITLE + "\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        tls.getOutputStream().flush();
      }
    });
    hostileProxy = TunnelProxy.to(hostileHttps.address());
    caFile = Files.createTempFile("mtasts-ca-", ".pem");
    Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pki.caCertificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
  }

  @AfterAll
  static void stop() throws IOException {
    for (AutoCloseable c : new AutoCloseable[] {knot, host, proxy, goodSmtp, expiredSmtp, plainSmtp, cnOnlySmtp,
        hostileSmtp, hostileProxy, hostileHttps}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // teardown
      }
    }
    if (caFile != null) {
      Files.deleteIfExists(caFile);
    }
  }

  static void answer(HttpExchange exchange) throws IOException {
    PolicyHost.drain(exchange);
    String hostHeader = exchange.getRequestHeaders().getFirst("Host");
    Response r = RESPONSES.get(hostHeader == null ? "" : hostHeader.replaceAll(":\\d+$", ""));
    if (r == null || !exchange.getRequestURI().getPath().equals("/.well-known/mta-sts.txt")) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", r.contentType());
    if (!r.location().isEmpty()) {
      exchange.getResponseHeaders().set("Location", r.location());
    }
    byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Greets and answers EHLO with control sequences in the text, offers no STARTTLS, then waits for QUIT. */
  static void hostileSmtp(Socket socket) throws IOException {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      out.write(("220 mx.hostile." + ZONE + " ESMTP " + TITLE + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      for (String line = smtpLine(in); line != null; line = smtpLine(in)) {
        String reply = line.regionMatches(true, 0, "EHLO", 0, 4)
            ? "250-mx.hostile." + ZONE + " " + CLEAR + "\r\n250 SIZE 1000" + TITLE
            : line.equalsIgnoreCase("QUIT") ? "221 bye" : "500 no";
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    }
  }

  static String smtpLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && line.length() < 1000; b = in.read()) {
      if (b == '\n') {
        return line.toString().strip();
      }
      line.append((char) b);
    }
    return null;
  }

  static List<String> args(String scenario, TestSmtpServer smtp, String... extra) {
    return args(scenario, smtp.port(), extra);
  }

  static List<String> args(String scenario, int smtpPort, String... extra) {
    List<String> a = new ArrayList<>(List.of("check", scenario + "." + ZONE, "--json", "--timeout", "10",
        "--dns-server", knot.hostPort(), "--https-proxy", "127.0.0.1:" + proxy.address().getPort(),
        "--ca-file", caFile.toString(), "--smtp-port", Integer.toString(smtpPort)));
    a.addAll(List.of(extra));
    return a;
  }

  @SuppressWarnings("unchecked")
  static List<String> codes(Cli r) {
    Map<String, Object> doc = JsonDoc.parse(r.out());
    return ((List<Map<String, Object>>) doc.get("findings")).stream().map(f -> (String) f.get("code")).toList();
  }

  static Cli check(String scenario, TestSmtpServer smtp) {
    return Cli.run(args(scenario, smtp, "--no-state").toArray(new String[0]));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCleanDomainYieldsNoErrorsAndNoWarnings() {
    Cli r = check("clean", goodSmtp);
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    Map<String, Object> doc = JsonDoc.parse(r.out());
    assertThat(doc).containsEntry("errors", 0L).containsEntry("warnings", 0L);
    assertThat((Map<String, Object>) doc.get("policy_fetch")).containsEntry("outcome", "fetched").containsEntry("status", 200L);
    List<Map<String, Object>> mx = (List<Map<String, Object>>) doc.get("mx_hosts");
    assertThat(mx).singleElement().satisfies(m -> {
      assertThat(m).containsEntry("host", "mx.clean." + ZONE).containsEntry("covered_by_policy", true);
      assertThat((Map<String, Object>) m.get("probe")).containsEntry("outcome", "tls").containsEntry("trusted", true);
    });
    assertThat(goodSmtp.sniNames()).contains("mx.clean." + ZONE);
    assertThat(proxy.targets()).contains("mta-sts.clean." + ZONE + ":443");
  }

  @Test
  void severalStsRecords() {
    assertThat(codes(check("multiple", goodSmtp))).contains("STS_RECORD_MULTIPLE");
  }

  @Test
  void policyChangedButIdNotBumpedAgainstTheContentId() {
    Cli r = check("notbumped", goodSmtp);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(codes(r)).contains("POLICY_CHANGED_ID_NOT_BUMPED");
  }

  @Test
  void policyChangedButIdNotBumpedSinceTheLastCheck(@TempDir Path state) {
    Cli first = Cli.run(args("drift", goodSmtp, "--state-dir", state.toString()).toArray(new String[0]));
    assertThat(codes(first)).doesNotContain("POLICY_CHANGED_ID_NOT_BUMPED");
    String domain = "drift." + ZONE;
    RESPONSES.put("mta-sts." + domain, new Response(200, "text/plain", policy(domain).replace("604800", "1209600"), ""));
    Cli second = Cli.run(args("drift", goodSmtp, "--state-dir", state.toString()).toArray(new String[0]));
    assertThat(codes(second)).contains("POLICY_CHANGED_ID_NOT_BUMPED");
  }

  @Test
  void aRedirect() {
    assertThat(codes(check("redirect", goodSmtp))).contains("POLICY_REDIRECT");
  }

  @Test
  void aWrongContentType() {
    assertThat(codes(check("ctype", goodSmtp))).contains("POLICY_CONTENT_TYPE");
  }

  @Test
  void anMxNotCoveredAndAPolicyMxAbsentFromDns() {
    List<String> codes = codes(check("uncovered", goodSmtp));
    assertThat(codes).contains("MX_NOT_COVERED");
    // mx.uncovered is in DNS and in the policy; mx.other is in DNS only, so nothing is unused here:
    assertThat(codes).doesNotContain("POLICY_MX_UNUSED");
  }

  @Test
  void aPolicyMxAbsentFromDns() {
    String domain = "clean." + ZONE;
    String withExtra = policy(domain) + "mx: mx9." + domain + "\n";
    RESPONSES.put("mta-sts." + domain, new Response(200, "text/plain", withExtra, ""));
    try {
      assertThat(codes(check("clean", goodSmtp))).contains("POLICY_MX_UNUSED");
    } finally {
      RESPONSES.put("mta-sts." + domain, new Response(200, "text/plain", policy(domain), ""));
    }
  }

  @Test
  void anExpiredMxCertificate() {
    assertThat(codes(check("expiredmx", expiredSmtp))).contains("MX_CERT_EXPIRED");
  }

  @Test
  void noStarttls() {
    assertThat(codes(check("nostarttls", plainSmtp))).contains("MX_NO_STARTTLS");
  }

  @Test
  void aCommonNameOnlyMxCertificate() {
    assertThat(codes(check("cnonly", cnOnlySmtp))).contains("MX_CERT_NAME_MISMATCH");
  }

  @Test
  void maxAgeOverTheLimit() {
    assertThat(codes(check("maxage", goodSmtp))).contains("POLICY_MAX_AGE_OVER_LIMIT");
  }

  @Test
  void humanOutputHasTheSections() {
    Cli r = Cli.run(args("uncovered", goodSmtp, "--no-state", "--no-color").stream()
        .filter(a -> !a.equals("--json")).toArray(String[]::new));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).contains("DNS record (_mta-sts.uncovered." + ZONE + ")", "Policy file (https://mta-sts.uncovered."
        + ZONE + "/.well-known/mta-sts.txt)", "TLS-RPT record", "MX hosts", "Issues", "MX_NOT_COVERED (MXM-1)", "Fix: ");
    assertThat(r.out()).doesNotContain("\u001b[");
  }

  /** The human form of {@link #args}: no {@code --json}, no colour, no state. */
  static Cli human(String scenario, int smtpPort) {
    return Cli.run(args(scenario, smtpPort, "--no-state", "--no-color").stream().filter(a -> !a.equals("--json"))
        .toArray(String[]::new));
  }

  @Test
  @DisplayName("SEC-12: TXT values, a Location header and an EHLO reply with control sequences reach the terminal escaped")
  void controlSequencesFromTheNetworkReachTheTerminalEscaped() {
    Cli r = human("hostile", hostileSmtp.address().getPort());
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    Cli.assertNothingForATerminalToRun(r.out());
    Cli.assertNothingForATerminalToRun(r.err());
    assertThat(r.out()).contains(
        "v=STSv1; id=\\e]0;pwned\\x07\\e[2J",                  // the _mta-sts TXT value, and the finding quoting it
        "note \\e]0;pwned\\x07",                                 // the _smtp._tls TXT value
        // the Location header, quoted by the fetch failure (the JDK 17 client refuses the header and quotes it)
        "https://evil.example.test/\\e]0;pwned\\x07\\e[2J",
        "mx.hostile." + ZONE + " \\e[2J",                         // the EHLO reply
        "STS_RECORD_INVALID", "MX_NO_STARTTLS");
  }

  @Test
  @DisplayName("SEC-12: a Content-Type header with control sequences reaches the terminal escaped")
  void aContentTypeWithControlSequencesReachesTheTerminalEscaped() {
    Cli r = human("hostilect", goodSmtp.port());
    Cli.assertNothingForATerminalToRun(r.out());
    assertThat(r.out()).contains("text/html\\e]0;pwned\\x07\\e[2J");
  }

  @Test
  @DisplayName("SEC-12: an HTTP status line with control sequences reaches the terminal escaped")
  void aStatusLineWithControlSequencesReachesTheTerminalEscaped() {
    List<String> a = args("hostilestatus", goodSmtp.port(), "--no-state", "--no-color");
    a.remove("--json");
    a.set(a.indexOf("--https-proxy") + 1, "127.0.0.1:" + hostileProxy.address().getPort());
    Cli r = Cli.run(a.toArray(new String[0]));
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    Cli.assertNothingForATerminalToRun(r.out());
    assertThat(hostileProxy.targets()).contains("mta-sts.hostilestatus." + ZONE + ":443");
    assertThat(r.out()).contains("HTTP/1.1 2\\e[2J00");
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("SEC-12: JSON keeps the raw network values, escaped as JSON; finding messages are escaped text")
  void jsonCarriesTheRawValuesAndEscapedFindingMessages() {
    Cli r = Cli.run(args("hostile", hostileSmtp.address().getPort(), "--no-state").toArray(new String[0]));
    Cli.assertNothingForATerminalToRun(r.out());
    Map<String, Object> doc = JsonDoc.parse(r.out());
    assertThat((List<String>) doc.get("sts_records")).containsExactly("v=STSv1; id=" + TITLE + CLEAR);
    assertThat((List<String>) doc.get("tlsrpt_records")).contains("note " + TITLE);
    List<Map<String, Object>> findings = (List<Map<String, Object>>) doc.get("findings");
    assertThat(findings).filteredOn(f -> f.get("code").equals("STS_RECORD_INVALID")).singleElement()
        .satisfies(f -> assertThat((String) f.get("message")).contains("id=\\e]0;pwned\\x07\\e[2J"));
    assertThat(findings).allSatisfy(f -> Cli.assertNothingForATerminalToRun((String) f.get("message")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void resolveReportsTheSenderDecision() {
    Cli r = Cli.run("resolve", "clean." + ZONE, "--json", "--timeout", "10", "--dns-server", knot.hostPort(),
        "--https-proxy", "127.0.0.1:" + proxy.address().getPort(), "--ca-file", caFile.toString());
    assertThat(r.exitCode()).isZero();
    Map<String, Object> doc = JsonDoc.parse(r.out());
    assertThat(doc).containsEntry("outcome", "active").containsEntry("source", "FETCHED");
    assertThat((Map<String, Object>) doc.get("trace")).containsEntry("rule", "CAC-2");
    Cli none = Cli.run("resolve", "nothing." + ZONE, "--json", "--timeout", "10", "--dns-server", knot.hostPort());
    assertThat(JsonDoc.parse(none.out())).containsEntry("outcome", "no_policy").containsEntry("reason", "NO_RECORD");
  }

  /** The runnable jar, in a child process, as a user runs it. */
  @Test
  void theRunnableJarChecksADomainInAChildProcess() throws Exception {
    String jar = System.getProperty("mtasts.cli.jar");
    assertThat(jar).as("the failsafe configuration passes the jar path").isNotNull();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar));
    command.addAll(args("clean", goodSmtp, "--no-state"));
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out + err).isZero();
    assertThat(JsonDoc.parse(out)).containsEntry("errors", 0L);

    Process version = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
        "--version").start();
    String v = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(v).startsWith("mta-sts 0.1.0");
    Process usage = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
        "lint").start();
    usage.getInputStream().readAllBytes();
    assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(usage.exitValue()).isEqualTo(2);
  }
}
