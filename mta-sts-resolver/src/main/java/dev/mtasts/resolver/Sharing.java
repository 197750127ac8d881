package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.resolver.store.StoredPolicy;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * What a resolver's cached domains share when they hold equal values (SEC-44): the policy body
 * and its parsed form, the TXT check that confirmed it and the trace of the cached answer. A
 * hosting provider's thousands of customer domains, served one policy body from one TXT record
 * (their {@code _mta-sts} names are CNAMEs of the provider's), then cost one copy of each.
 *
 * <p>Bounded: each of the three tables is a {@link SharingTable} of {@value SharingTable#SLOTS}
 * slots, and only bodies up to {@value #MAX_SHARED_TEXT} characters and TXT records up to
 * {@value #MAX_SHARED_TXT} are offered, so the tables themselves keep at most about 1.5 MiB of
 * text (512 bodies of 2 KiB, and 512 TXT records of 512 characters in each of the other two)
 * beyond what cached domains hold anyway, whatever an attacker serves.
 * Strong references were chosen over weak ones because a weak reference is an object per entry
 * and a reference-queue cleanup, and a fixed table is bounded without either.
 */
final class Sharing {
  /** Bodies longer than this (real ones are 100 to 300 characters) are never shared: 2,048. */
  static final int MAX_SHARED_TEXT = 2048;
  /** TXT records longer than this are never shared: 512 characters. */
  static final int MAX_SHARED_TXT = 512;

  /**
   * A policy body as the resolver keeps it, and its parsed form, whose {@code mx} patterns are
   * views on that same string.
   *
   * @param text the body as served
   * @param policy the parsed body
   */
  record Policy(String text, MtaStsPolicy policy) {}

  private final SharingTable<String, Policy> policies = new SharingTable<>();
  private final SharingTable<TxtCheck, TxtCheck> txtChecks = new SharingTable<>();
  private final SharingTable<ResolutionTrace, ResolutionTrace> traces = new SharingTable<>();

  /**
   * The body just fetched, shared with the domains already holding an equal one.
   *
   * @param body the body as served
   * @param parsed what the fetcher parsed from it
   * @return the shared text and policy
   */
  Policy fetched(byte[] body, MtaStsPolicy parsed) {
    return of(new String(body, StandardCharsets.UTF_8), parsed);
  }

  /**
   * A stored entry's body, shared as {@link #fetched}; parsed as a sender reads a fetched body.
   *
   * @param stored the entry
   * @return the shared text and policy
   * @throws MtaStsParseException if the stored text is not a valid policy
   */
  Policy stored(StoredPolicy stored) {
    return of(stored.policyText(), null);
  }

  private Policy of(String text, @Nullable MtaStsPolicy parsed) {
    Policy shared = text.length() <= MAX_SHARED_TEXT ? policies.get(text) : null;
    if (shared != null) {
      return shared;
    }
    // Parsed again from this string, so that the patterns are views on it (SEC-44); a body the
    // fetcher read differently (it never should) keeps the fetcher's reading, unshared.
    MtaStsPolicy policy;
    try {
      policy = MtaStsPolicy.parseLenient(text).policy();
    } catch (MtaStsParseException e) {
      if (parsed == null) {
        throw e;
      }
      return new Policy(text, parsed);
    }
    if (parsed != null && !parsed.equals(policy)) {
      return new Policy(text, parsed);
    }
    Policy made = new Policy(text, policy);
    if (text.length() <= MAX_SHARED_TEXT) {
      policies.offer(text, made);
    }
    return made;
  }

  /**
   * A TXT check shared with the domains that found the same record.
   *
   * @param check the check
   * @return an equal shared check, or {@code check}
   */
  TxtCheck txt(TxtCheck check) {
    if (check.status() != TxtStatus.FOUND || check.detail().length() > MAX_SHARED_TXT) {
      return check;
    }
    return SharingTable.share(txtChecks, check);
  }

  /**
   * The trace of a cached answer, shared with the domains whose answers were decided the same
   * way; a trace that holds a fetch outcome (a body) is never shared.
   *
   * @param trace the trace
   * @return an equal shared trace, or {@code trace}
   */
  ResolutionTrace trace(ResolutionTrace trace) {
    if (trace.fetch() != null || trace.txt().detail().length() > MAX_SHARED_TXT) {
      return trace;
    }
    return SharingTable.share(traces, trace);
  }
}
