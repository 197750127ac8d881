/**
 * Implementation details of {@code dev.mtasts.tlsrpt}; not exported, no compatibility promises.
 */
@NullMarked
package dev.mtasts.tlsrpt.internal;

import org.jspecify.annotations.NullMarked;
