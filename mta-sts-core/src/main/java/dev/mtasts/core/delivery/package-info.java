/**
 * Applying a resolved policy to a delivery: {@link dev.mtasts.core.delivery.DeliveryPlan} orders
 * the MX hosts and states, for each, whether it may be used and what TLS it must offer (RFC 8461
 * §4 and §5, checklist section (f)).
 */
@NullMarked
package dev.mtasts.core.delivery;

import org.jspecify.annotations.NullMarked;
