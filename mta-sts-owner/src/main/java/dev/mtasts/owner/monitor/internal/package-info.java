/**
 * Internals of the monitor: the per-domain state and its file format, and the rules that turn a
 * check into conditions. Not exported; nothing here is API.
 */
@NullMarked
package dev.mtasts.owner.monitor.internal;

import org.jspecify.annotations.NullMarked;
