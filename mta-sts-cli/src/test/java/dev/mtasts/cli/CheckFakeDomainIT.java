package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.FakeDomain;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mta-sts check --dns-server} against whole fake domains on loopback, built with the test
 * kit's {@link FakeDomain} only: knotd serves the zone, whose A records put the policy host and
 * each MX host on its own 127.X.Y.N address. No hosts file, no proxy: every name the check
 * resolves, the policy host's and the MX hosts' included, must come from the given DNS server
 * (FET-20).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckFakeDomainIT {
  static final String D = "fake.test";
  static final String GOOD = "mx-good." + D;
  static final String WRONG_NAME = "mx-wrongname." + D;
  static final String EXPIRED = "mx-expired." + D;
  static final String PLAIN = "mx-plain." + D;
  static final String SOON = "mx-soon." + D;
  static final String UNLISTED = "mx-unlisted." + D;
  static final String POLICY = "version: STSv1\nmode: enforce\nmx: " + GOOD + "\nmx: " + WRONG_NAME + "\nmx: "
      + EXPIRED + "\nmx: " + PLAIN + "\nmx: " + SOON + "\nmax_age: 604800\n";
  /** A domain with no _mta-sts record whose policy host answers 404: no policy to match the MX host against. */
  static final String NO_POLICY = "nopolicy.test";

  static TestPki pki;
  static FakeDomain domain;
  static FakeDomain noPolicy;
  static Path caFile;

  @BeforeAll
  static void start(@TempDir Path tmp) throws IOException {
    pki = TestPki.create();
    Instant now = Instant.now();
    domain = FakeDomain.builder(D, pki)
        .policy(POLICY)
        .mx(10, GOOD, pki.leaf().dnsNames(GOOD).issue().serverContext())
        .mx(20, WRONG_NAME, pki.leaf().dnsNames("other." + D).issue().serverContext())
        .mx(30, EXPIRED, pki.leaf().dnsNames(EXPIRED).expired().issue().serverContext())
        .mx(40, PLAIN, null)
        .mx(50, SOON, pki.leaf().dnsNames(SOON).validity(now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(5)
            .plusHours(12))).issue().serverContext())
        .mx(60, UNLISTED, pki.leaf().dnsNames(UNLISTED).issue().serverContext())
        .start();
    noPolicy = FakeDomain.builder(NO_POLICY, pki)
        .stsRecord(null)
        .policyHandler(PolicyHost.respond(404, "text/plain", new byte[0]))
        .mx(10, "mx." + NO_POLICY, pki.leaf().dnsNames("mx." + NO_POLICY).issue().serverContext())
        .start();
    caFile = tmp.resolve("ca.pem");
    Files.writeString(caFile, domain.caPem());
  }

  @AfterAll
  static void stop() {
    for (FakeDomain d : new FakeDomain[] {domain, noPolicy}) {
      if (d != null) {
        d.close();
      }
    }
  }

  static Cli check(FakeDomain d, boolean json) {
    List<String> a = new ArrayList<>(List.of("check", d.domain(), "--no-state", "--timeout", "10",
        "--dns-server", d.dnsServer(), "--https-port", Integer.toString(d.httpsPort()),
        "--smtp-port", Integer.toString(d.smtpPort()), "--ca-file", caFile.toString()));
    a.add(json ? "--json" : "--no-color");
    return Cli.run(a.toArray(new String[0]));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> mxByHost(Cli r) {
    Map<String, Object> doc = JsonDoc.parse(r.out());
    return ((List<Map<String, Object>>) doc.get("mx_hosts")).stream()
        .collect(Collectors.toMap(m -> (String) m.get("host"), m -> m));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> probe(Map<String, Object> mx) {
    return (Map<String, Object>) mx.get("probe");
  }

  static String line(Cli r, String host) {
    return r.out().lines().filter(l -> l.contains(" " + host + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + host + " in\n" + r.out()));
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("FET-20: the policy host and the MX hosts are found through --dns-server, with SNI on their names")
  void everyNameIsResolvedThroughTheGivenDnsServer() {
    Cli r = check(domain, true);
    Map<String, Object> doc = JsonDoc.parse(r.out());
    assertThat((Map<String, Object>) doc.get("policy_fetch")).as(r.out() + r.err())
        .containsEntry("outcome", "fetched").containsEntry("status", 200L);
    assertThat(domain.policyHost().sniNames()).contains("mta-sts." + D);
    assertThat(domain.smtp(GOOD).sniNames()).contains(GOOD);
    assertThat(domain.smtp(UNLISTED).sniNames()).contains(UNLISTED);
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  @DisplayName("MXM-13: the JSON carries each MX host's coverage, certificate verdict and days left")
  void theJsonOfEachMxHost() {
    Cli r = check(domain, true);
    Map<String, Map<String, Object>> mx = mxByHost(r);
    assertThat(mx.get(GOOD)).as(r.out()).containsEntry("covered_by_policy", true);
    assertThat(probe(mx.get(GOOD))).containsEntry("outcome", "tls").containsEntry("trusted", true)
        .containsEntry("failure", JsonDoc.NULL).containsEntry("failure_message", JsonDoc.NULL);
    assertThat((Long) probe(mx.get(GOOD)).get("days_left")).isBetween(88L, 90L);

    assertThat(mx.get(WRONG_NAME)).containsEntry("covered_by_policy", true);
    assertThat(probe(mx.get(WRONG_NAME))).containsEntry("outcome", "tls").containsEntry("trusted", false)
        .containsEntry("failure", "certificate-host-mismatch")
        .containsEntry("failure_message", "the certificate is not valid for " + WRONG_NAME + ": it names [other." + D
            + "]");

    assertThat(probe(mx.get(EXPIRED))).containsEntry("trusted", false).containsEntry("failure", "certificate-expired");
    assertThat((Long) probe(mx.get(EXPIRED)).get("days_left")).isEqualTo(-1L);

    assertThat(probe(mx.get(PLAIN))).containsEntry("outcome", "no_starttls");

    assertThat(probe(mx.get(SOON))).containsEntry("trusted", true).containsEntry("days_left", 5L);

    assertThat(mx.get(UNLISTED)).containsEntry("covered_by_policy", false);
    assertThat(probe(mx.get(UNLISTED))).containsEntry("trusted", true);
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("MXM-13, APP-12: the findings of each MX host, with fixes naming the domain")
  void theFindingsOfEachMxHost() {
    Cli r = check(domain, true);
    List<Map<String, Object>> findings = (List<Map<String, Object>>) JsonDoc.parse(r.out()).get("findings");
    assertThat(findings).extracting(f -> f.get("code")).contains("MX_CERT_NAME_MISMATCH", "MX_CERT_EXPIRED",
        "MX_NO_STARTTLS", "MX_CERT_EXPIRES_SOON", "MX_NOT_COVERED");
    assertThat(findings).filteredOn(f -> f.get("code").equals("MX_NOT_COVERED")).singleElement()
        .satisfies(f -> assertThat((String) f.get("message")).startsWith("MX host " + UNLISTED + " matches no mx"));
    assertThat(findings).allSatisfy(f -> {
      assertThat((String) f.get("fix")).doesNotContain("<domain>");
      assertThat((String) f.get("message")).doesNotContain("Exception");
    });
  }

  @Test
  @DisplayName("MXM-13: --explain prints each finding's paragraph, the one 'mta-sts explain' prints")
  void explainPrintsTheParagraphOfEachFindingUnderIt() {
    List<String> a = new ArrayList<>(List.of("check", domain.domain(), "--no-state", "--timeout", "10",
        "--dns-server", domain.dnsServer(), "--https-port", Integer.toString(domain.httpsPort()),
        "--smtp-port", Integer.toString(domain.smtpPort()), "--ca-file", caFile.toString(), "--no-color",
        "--explain"));
    Cli r = Cli.run(a.toArray(new String[0]));
    String paragraph = dev.mtasts.owner.FindingCode.MX_NOT_COVERED.explanation();
    assertThat(paragraph).isNotBlank();
    assertThat(r.out()).contains(paragraph);
    assertThat(Cli.run("explain", "MX_NOT_COVERED").out()).contains(paragraph);
  }

  @Test
  @DisplayName("MXM-13: each MX line shows the coverage, the certificate's verdict and its expiry")
  void theHumanLineOfEachMxHost() {
    Cli r = check(domain, false);
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(line(r, GOOD)).matches("  10 " + GOOD.replace(".", "\\.") + "  covered by the policy; STARTTLS TLSv1\\.[23], "
        + "certificate \\[" + GOOD.replace(".", "\\.") + "] valid for the host, expires \\S+ \\(in (88|89|90) days\\)");
    assertThat(line(r, WRONG_NAME)).contains("  20 " + WRONG_NAME + "  covered by the policy; STARTTLS",
        "certificate [other." + D + "] NOT VALID (certificate-host-mismatch), expires");
    assertThat(line(r, EXPIRED)).contains("certificate [" + EXPIRED + "] NOT VALID (certificate-expired), expired ",
        "(1 day ago: error)");
    assertThat(line(r, PLAIN)).endsWith("  40 " + PLAIN + "  covered by the policy; no STARTTLS");
    assertThat(line(r, SOON)).contains("valid for the host, expires ", "(in 5 days, under 14 days: warning)");
    assertThat(line(r, UNLISTED)).contains("  60 " + UNLISTED + "  NOT covered by the policy; STARTTLS",
        "valid for the host");
    assertThat(r.out()).contains("MX_CERT_NAME_MISMATCH (", "MX_NO_STARTTLS (", "MX_NOT_COVERED (");
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("MXM-13, APP-12: with no policy, an MX host has no policy to match, and the fix names the domain")
  void withNoPolicyThereIsNothingToMatch() {
    String mx = "mx." + NO_POLICY;
    Cli human = check(noPolicy, false);
    assertThat(line(human, mx)).as(human.out()).contains("  10 " + mx + "  no policy to match; STARTTLS")
        .doesNotContain("covered");
    assertThat(human.out()).contains("STS_RECORD_MISSING (", "at _mta-sts." + NO_POLICY + ".")
        .doesNotContain("<domain>");

    Cli json = check(noPolicy, true);
    Map<String, Object> host = mxByHost(json).get(mx);
    assertThat(host).containsEntry("covered_by_policy", JsonDoc.NULL);
    assertThat((Map<String, Object>) JsonDoc.parse(json.out()).get("policy_fetch"))
        .containsEntry("outcome", "failed").containsEntry("status", 404L);
  }
}
