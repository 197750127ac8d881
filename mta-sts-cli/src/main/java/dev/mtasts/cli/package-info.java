/**
 * The {@code mta-sts} command line.
 */
@NullMarked
package dev.mtasts.cli;

import org.jspecify.annotations.NullMarked;
