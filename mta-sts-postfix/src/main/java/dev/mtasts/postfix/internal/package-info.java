/**
 * Details of the Postfix policy server: the netstring codec, the per-connection loop, the mapping
 * from a resolution to a table answer, the metrics and the configuration reader. Not exported.
 */
@NullMarked
package dev.mtasts.postfix.internal;

import org.jspecify.annotations.NullMarked;
