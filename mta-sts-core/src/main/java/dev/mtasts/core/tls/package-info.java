/**
 * Certificate rules shared by the policy-host check (RFC 8461 §3.3) and the MX check (§4.2):
 * {@link dev.mtasts.core.tls.CertificateNames} matches DNS-ID subject alternative names only, with
 * a wildcard only as the whole left-most label (RFC 6125 §6.4), and
 * {@link dev.mtasts.core.tls.TlsFailure} classifies a refused certificate as an RFC 8460 result
 * type. The HTTPS fetch ({@code dev.mtasts.fetch}) and the MX checks of the resolver
 * ({@code dev.mtasts.resolver.delivery}) both build on them.
 */
@NullMarked
package dev.mtasts.core.tls;

import org.jspecify.annotations.NullMarked;
