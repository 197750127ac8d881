/**
 * {@link dev.mtasts.probe.SocketSmtpProbe}: connects to an MX host on port 25, says EHLO,
 * negotiates STARTTLS (RFC 3207) and reports the certificate chain and its PKIX verdict.
 */
@NullMarked
package dev.mtasts.probe;

import org.jspecify.annotations.NullMarked;
