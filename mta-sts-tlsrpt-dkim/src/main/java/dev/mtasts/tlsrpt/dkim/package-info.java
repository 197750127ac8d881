/**
 * DKIM verification of mailed TLS-RPT reports (RFC 8460 §3) with Apache James jDKIM: plug
 * {@link dev.mtasts.tlsrpt.dkim.JdkimVerifier} into
 * {@link dev.mtasts.tlsrpt.inbox.ReportInbox.Builder#dkimVerifier}, or find it without naming this
 * module through the {@link dev.mtasts.tlsrpt.inbox.DkimVerifierFactory} service
 * ({@link dev.mtasts.tlsrpt.dkim.JdkimVerifierFactory}, in {@code META-INF/services}).
 */
@NullMarked
package dev.mtasts.tlsrpt.dkim;

import org.jspecify.annotations.NullMarked;
