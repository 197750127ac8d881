package dev.mtasts.tlsrpt.dkim;

import static dev.mtasts.tlsrpt.dkim.DkimTestMails.MAIL;
import static dev.mtasts.tlsrpt.dkim.DkimTestMails.PUBLIC;
import static dev.mtasts.tlsrpt.dkim.DkimTestMails.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.Gate;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.tlsrpt.inbox.DkimVerifier;
import dev.mtasts.tlsrpt.inbox.DkimVerifierFactory;
import dev.mtasts.tlsrpt.inbox.DkimResult;
import dev.mtasts.tlsrpt.inbox.InboxFinding;
import dev.mtasts.tlsrpt.inbox.InboxResult;
import dev.mtasts.tlsrpt.inbox.ReportInbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JdkimVerifierTest {
  static FakeDnsLookup dns() {
    return DkimTestMails.fakeDns()
        .putTxt("both._domainkey.sender.example", "v=DKIM1; k=rsa; s=email:tlsrpt; p=" + PUBLIC)
        .putTxt("any._domainkey.sender.example", "v=DKIM1; k=rsa; p=" + PUBLIC);
  }

  final FakeDnsLookup dns = dns();
  final JdkimVerifier verifier = JdkimVerifier.create(dns, Duration.ofSeconds(10));

  @Test
  @DisplayName("RPT-46 RPT-23: a valid signature passes, and the inbox counts the mail as authenticated")
  void aValidSignaturePasses() throws Exception {
    byte[] mail = signed(MAIL, "tlsrpt");
    DkimResult r = verifier.verify(mail);
    assertThat(r.status()).as(r.detail()).isEqualTo(DkimResult.Status.PASS);
    assertThat(r.domain()).isEqualTo("sender.example");
    InboxResult in = ReportInbox.builder().dkimVerifier(verifier).build().readMessage(mail, "m");
    assertThat(in.reports()).singleElement().satisfies(x -> {
      assertThat(x.findings()).isEmpty();
      assertThat(x.authenticated()).isTrue();
    });
  }

  @Test
  @DisplayName("RPT-46 RPT-23: a body changed after signing fails on the body hash; the report is kept, marked, not authenticated")
  void aChangedBodyFails() throws Exception {
    String mail = new String(signed(MAIL, "tlsrpt"), StandardCharsets.US_ASCII).replace("A report.", "A rep0rt.");
    byte[] bytes = mail.getBytes(StandardCharsets.US_ASCII);
    DkimResult r = verifier.verify(bytes);
    assertThat(r.status()).isEqualTo(DkimResult.Status.FAIL);
    assertThat(r.detail()).containsIgnoringCase("body");
    InboxResult in = ReportInbox.builder().dkimVerifier(verifier).build().readMessage(bytes, "m");
    assertThat(in.reports()).singleElement().satisfies(x -> {
      assertThat(x.has(InboxFinding.Code.DKIM_FAILED)).isTrue();
      assertThat(x.authenticated()).isFalse();
    });
  }

  @Test
  @DisplayName("RPT-47: a key whose s= lacks tlsrpt and * fails; s= listing tlsrpt, or no s=, passes")
  void theKeysServiceTypesMustAllowTlsRpt() throws Exception {
    DkimResult email = verifier.verify(signed(MAIL, "email"));
    assertThat(email.status()).isEqualTo(DkimResult.Status.FAIL);
    assertThat(email.detail()).contains("s=email", "RFC 8460 §3");
    assertThat(verifier.verify(signed(MAIL, "both")).status()).isEqualTo(DkimResult.Status.PASS);
    assertThat(verifier.verify(signed(MAIL, "any")).status()).isEqualTo(DkimResult.Status.PASS);
    assertThat(JdkimVerifier.allowsTlsRpt("email : *")).isTrue();
    assertThat(JdkimVerifier.allowsTlsRpt("email")).isFalse();
  }

  @Test
  @DisplayName("RPT-46: no key or more than 5 signatures fail, the last without a lookup; a DNS failure is not checked")
  void missingKeysAndTooManySignaturesFail() throws Exception {
    assertThat(verifier.verify(signed(MAIL, "nokey")).status()).isEqualTo(DkimResult.Status.FAIL);
    dns.failTxt("broken._domainkey.sender.example", DnsFailure.SERVFAIL);
    DkimResult temp = verifier.verify(signed(MAIL, "broken"));
    assertThat(temp.status()).as("a key that cannot be fetched now says nothing about the signature")
        .isEqualTo(DkimResult.Status.NOT_CHECKED);
    assertThat(temp.detail()).startsWith("not checked: the key lookup of broken._domainkey.sender.example failed");
    String one = new String(signed(MAIL, "tlsrpt"), StandardCharsets.US_ASCII);
    String field = one.substring(0, one.indexOf("From: "));
    byte[] six = (field.repeat(6) + MAIL).getBytes(StandardCharsets.US_ASCII);
    int before = dns.txtQueries("tlsrpt._domainkey.sender.example");
    DkimResult r = verifier.verify(six);
    assertThat(r.status()).isEqualTo(DkimResult.Status.FAIL);
    assertThat(r.detail()).contains("6 DKIM-Signature fields");
    assertThat(dns.txtQueries("tlsrpt._domainkey.sender.example")).isEqualTo(before);
  }

  @Test
  @DisplayName("RPT-49: a key is looked up once for many mails, again after 10 minutes; a failed lookup is reused for 1 minute")
  void keyLookupsAreCachedPerName() throws Exception {
    ManualClock clock = ManualClock.at(Instant.parse("2026-04-01T00:00:00Z"));
    JdkimVerifier cached = JdkimVerifier.create(dns, Duration.ofSeconds(10), clock.ticker());
    byte[] mail = signed(MAIL, "tlsrpt");
    for (int i = 0; i < 50; i++) {
      assertThat(cached.verify(mail).status()).isEqualTo(DkimResult.Status.PASS);
    }
    assertThat(dns.txtQueries("tlsrpt._domainkey.sender.example")).isEqualTo(1);
    clock.advance(JdkimVerifier.KEY_CACHE_TIME);
    assertThat(cached.verify(mail).status()).isEqualTo(DkimResult.Status.PASS);
    assertThat(dns.txtQueries("tlsrpt._domainkey.sender.example")).isEqualTo(2);

    dns.failTxt("broken._domainkey.sender.example", DnsFailure.SERVFAIL);
    byte[] broken = signed(MAIL, "broken");
    assertThat(cached.verify(broken).status()).isEqualTo(DkimResult.Status.NOT_CHECKED);
    assertThat(cached.verify(broken).status()).isEqualTo(DkimResult.Status.NOT_CHECKED);
    assertThat(dns.txtQueries("broken._domainkey.sender.example")).isEqualTo(1);
    clock.advance(JdkimVerifier.FAILURE_CACHE_TIME);
    dns.putTxt("broken._domainkey.sender.example", "v=DKIM1; k=rsa; p=" + PUBLIC);
    assertThat(cached.verify(broken).status()).isEqualTo(DkimResult.Status.PASS);
    assertThat(dns.txtQueries("broken._domainkey.sender.example")).isEqualTo(2);
  }

  @Test
  @DisplayName("RPT-49: a key lookup that never answers costs one deadline, not one per mail")
  void aTimedOutLookupIsNotRepeatedForEveryMail() throws Exception {
    Gate gate = dns.hold("tlsrpt._domainkey.sender.example");
    try {
      JdkimVerifier quick = JdkimVerifier.create(dns, Duration.ofMillis(200));
      byte[] mail = signed(MAIL, "tlsrpt");
      DkimResult first = quick.verify(mail);
      assertThat(first.status()).isEqualTo(DkimResult.Status.NOT_CHECKED);
      assertThat(first.detail()).contains("timed out");
      for (int i = 0; i < 100; i++) {
        assertThat(quick.verify(mail).status()).isEqualTo(DkimResult.Status.NOT_CHECKED);
      }
      // The other 100 mails answer from the cache: one lookup, so one deadline, not 100.
      assertThat(dns.txtQueries("tlsrpt._domainkey.sender.example")).isEqualTo(1);
    } finally {
      gate.release();
    }
  }

  @Test
  @DisplayName("RPT-49: a key not looked up because one mail's deadline ran out is not cached as a failure")
  void aLookupSkippedForLackOfTimeIsNotCached() throws Exception {
    Gate gate = dns.hold("slow._domainkey.sender.example");
    try {
      JdkimVerifier quick = JdkimVerifier.create(dns, Duration.ofMillis(200));
      // The slow signature comes first and uses up the mail's deadline before the tlsrpt key's turn.
      byte[] both = signed(new String(signed(MAIL, "tlsrpt"), StandardCharsets.US_ASCII), "slow");
      assertThat(quick.verify(both).status()).isEqualTo(DkimResult.Status.FAIL);
      assertThat(dns.txtQueries("tlsrpt._domainkey.sender.example")).isZero();
      assertThat(quick.verify(signed(MAIL, "tlsrpt")).status()).isEqualTo(DkimResult.Status.PASS);
    } finally {
      gate.release();
    }
  }

  @Test
  @DisplayName("RPT-49: at most 1000 key names are kept, the least recently used dropped first")
  void theCacheIsBounded() throws Exception {
    for (int i = 0; i < JdkimVerifier.MAX_CACHED_KEYS + 20; i++) {
      verifier.verify(signed(MAIL, "k" + i));
    }
    assertThat(verifier.cachedKeys()).isEqualTo(JdkimVerifier.MAX_CACHED_KEYS);
  }

  @Test
  @DisplayName("RPT-50: the module provides its DkimVerifierFactory through META-INF/services")
  void theFactoryIsFoundByServiceLoader() throws Exception {
    List<DkimVerifierFactory> found = ServiceLoader.load(DkimVerifierFactory.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    assertThat(found).singleElement().isInstanceOf(JdkimVerifierFactory.class);
    DkimVerifier v = found.get(0).create(dns, Duration.ofSeconds(10));
    assertThat(v.verify(signed(MAIL, "tlsrpt")).status()).isEqualTo(DkimResult.Status.PASS);
  }
}
