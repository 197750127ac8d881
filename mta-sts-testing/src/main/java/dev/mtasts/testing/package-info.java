/**
 * Fakes and fixtures for testing MTA-STS integrations without a network:
 * {@link dev.mtasts.testing.FakeDnsLookup}, {@link dev.mtasts.testing.FakePolicyFetcher},
 * {@link dev.mtasts.testing.ManualClock}, {@link dev.mtasts.testing.QueueingExecutor},
 * {@link dev.mtasts.testing.TestPki} and {@link dev.mtasts.testing.TestSmtpServer}.
 */
@NullMarked
package dev.mtasts.testing;

import org.jspecify.annotations.NullMarked;
