/**
 * Implementation of the policy fetch; not exported.
 */
@NullMarked
package dev.mtasts.fetch.internal;

import org.jspecify.annotations.NullMarked;
