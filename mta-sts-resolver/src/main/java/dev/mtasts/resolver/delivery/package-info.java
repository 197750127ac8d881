/**
 * Applying a resolved policy to a delivery: {@link dev.mtasts.resolver.delivery.DeliveryPlan}
 * orders the MX hosts and states, for each, whether it may be used and what TLS it must offer
 * (RFC 8461 §4 and §5, checklist section (f)); the MX certificate checks bound to the host
 * actually dialled (RFC 8461 §4.2) plug into the MTA's TLS stack:
 * {@link dev.mtasts.resolver.delivery.MtaStsHostnameVerifier} into Jakarta/Angus Mail,
 * {@link dev.mtasts.resolver.delivery.MtaStsTrustManager} into SSLEngine-based MTAs.
 * {@link dev.mtasts.resolver.delivery.DnsDaneDetector} tells whether a domain uses DANE (RFC 7672),
 * which a sender that implements it prefers to MTA-STS (RFC 8461 §2).
 */
@NullMarked
package dev.mtasts.resolver.delivery;

import org.jspecify.annotations.NullMarked;
