/**
 * Certificate checks bound to the host actually dialled, as RFC 8461 §3.3 and §4.2 require: DNS-ID
 * subject alternative names only, a wildcard only as the whole left-most label, and failures
 * classified as RFC 8460 result types. {@link dev.mtasts.core.tls.MtaStsHostnameVerifier} plugs
 * into Jakarta/Angus Mail, {@link dev.mtasts.core.tls.MtaStsTrustManager} into SSLEngine-based
 * MTAs.
 */
@NullMarked
package dev.mtasts.core.tls;

import org.jspecify.annotations.NullMarked;
