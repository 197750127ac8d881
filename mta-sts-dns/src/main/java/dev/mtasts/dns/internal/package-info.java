/**
 * Implementation details of {@code dev.mtasts.dns}: the dnsjava adapters (transport guard, RCODE
 * check, per-lookup gate), name conversion and outcome mapping. Not exported, no compatibility
 * promises.
 */
@NullMarked
package dev.mtasts.dns.internal;

import org.jspecify.annotations.NullMarked;
