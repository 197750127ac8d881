/**
 * The {@code mta-sts} command line. Its interface is the command line itself, documented in
 * {@code docs/cli.md}; no package is exported.
 */
module dev.mtasts.cli {
  requires static org.jspecify;
  requires dev.mtasts.core;
  requires dev.mtasts.resolver;
  requires dev.mtasts.owner;
  requires dev.mtasts.dns;
  requires dev.mtasts.fetch;
  requires dev.mtasts.probe;
  requires dev.mtasts.postfix;
  requires dev.mtasts.tlsrpt;
  requires info.picocli;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  // DKIM of mailed reports (mta-sts-tlsrpt-dkim, an automatic module found at run time).
  uses dev.mtasts.tlsrpt.inbox.DkimVerifierFactory;

  opens dev.mtasts.cli to info.picocli;
  opens dev.mtasts.cli.internal to info.picocli;
}
