/**
 * The commands of the {@code mta-sts} command line and their output.
 */
@NullMarked
package dev.mtasts.cli.internal;

import org.jspecify.annotations.NullMarked;
