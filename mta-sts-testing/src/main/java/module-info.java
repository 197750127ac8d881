/**
 * Test kit for code that embeds mta-sts: fakes of the DNS and fetch SPIs, a controllable clock,
 * a test PKI and a STARTTLS SMTP server. Meant for test scope.
 */
module dev.mtasts.testing {
  requires static transitive org.jspecify;
  requires transitive dev.mtasts.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.slf4j;
  requires org.opentest4j;
  requires transitive jdk.httpserver;

  exports dev.mtasts.testing;
}
