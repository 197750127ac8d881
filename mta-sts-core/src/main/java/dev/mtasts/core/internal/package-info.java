/**
 * Implementation details of {@code dev.mtasts.core}; not exported, no compatibility promises.
 */
@NullMarked
package dev.mtasts.core.internal;

import org.jspecify.annotations.NullMarked;
