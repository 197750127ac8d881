/**
 * Implementation details of {@code dev.mtasts.core}; no compatibility promises.
 *
 * <p>Exported only to the project's own modules, because each piece here must exist once:
 * {@link dev.mtasts.core.internal.Builders} is the set-once guard of every builder,
 * {@link dev.mtasts.core.internal.Durations} words every duration a message names,
 * {@link dev.mtasts.core.internal.AtomicFiles} is the one crash-safe file helper (atomic replace,
 * checksum, quarantine) of the file policy store and the TLS-RPT state. A copy of each in every
 * module is what this export avoids.
 */
@NullMarked
package dev.mtasts.core.internal;

import org.jspecify.annotations.NullMarked;
