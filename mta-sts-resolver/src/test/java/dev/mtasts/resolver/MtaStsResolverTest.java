package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.DOMAIN;
import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static dev.mtasts.resolver.ResolverFixture.POLICY_NONE;
import static dev.mtasts.resolver.ResolverFixture.POLICY_TESTING;
import static dev.mtasts.resolver.ResolverFixture.STS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.fetch.FetchFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The resolver's state machine, rule by rule, with a controlled clock. */
class MtaStsResolverTest {

  static PolicyResolution.Active active(PolicyResolution r) {
    assertThat(r).isInstanceOf(PolicyResolution.Active.class);
    return (PolicyResolution.Active) r;
  }

  static PolicyResolution.NoPolicy noPolicy(PolicyResolution r) {
    assertThat(r).isInstanceOf(PolicyResolution.NoPolicy.class);
    return (PolicyResolution.NoPolicy) r;
  }

  @Nested
  class Discovery {
    @Test
    void fetchesWhenNothingIsCachedAndCachesIdPolicyTextAndFetchTime() {
      // CAC-1, CAC-2
      ResolverFixture f = new ResolverFixture().publish("20260301", POLICY_ENFORCE);
      PolicyResolution.Active a = active(f.resolve());
      assertThat(a.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
      assertThat(a.policyId()).isEqualTo("20260301");
      assertThat(a.policyText()).isEqualTo(POLICY_ENFORCE);
      assertThat(a.fetchedAt()).isEqualTo(f.clock.instant());
      assertThat(a.expiresAt()).isEqualTo(f.clock.instant().plusSeconds(86400));
      assertThat(a.source()).isEqualTo(PolicySource.FETCHED);
      assertThat(a.trace().rule()).isEqualTo("CAC-2");
      assertThat(a.trace().txt().status()).isEqualTo(TxtStatus.FOUND);
      assertThat(a.trace().cache()).isEqualTo(CacheState.EMPTY);
      assertThat(a.trace().fetch()).isNotNull();
      assertThat(a.policyStringLines()).containsExactly("version: STSv1", "mode: enforce", "mx: mx1.example.com",
          "mx: *.backup.example.com", "max_age: 86400");
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);
    }

    @Test
    void theCachedPolicyIsValidUntilFetchTimePlusMaxAge() {
      // CAC-1: valid while now < fetchedAt + max_age.
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      f.resolve();
      f.clock.advance(Duration.ofSeconds(86400).minusMillis(1));
      assertThat(active(f.resolve()).source()).isEqualTo(PolicySource.CACHED);
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);
      f.clock.advance(Duration.ofMillis(1));
      PolicyResolution.Active again = active(f.resolve());
      assertThat(again.source()).isEqualTo(PolicySource.FETCHED);
      assertThat(again.trace().cache()).isEqualTo(CacheState.EXPIRED);
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(2);
    }

    @Test
    void aMatchingTxtIdNeedsNoFetch() {
      // CAC-3
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      f.resolve();
      PolicyResolution.Active a = active(f.resolve());
      assertThat(a.source()).isEqualTo(PolicySource.CACHED);
      assertThat(a.trace().rule()).isEqualTo("CAC-3");
      assertThat(f.dns.txtQueries(STS)).isEqualTo(2);
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);
    }

    @Test
    void aNewTxtIdTriggersAFetchAndTheNewPolicyReplacesTheOld() {
      // CAC-2, CAC-7
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      f.resolve();
      f.publish("2", POLICY_TESTING);
      PolicyResolution.Active a = active(f.resolve());
      assertThat(a.policyId()).isEqualTo("2");
      assertThat(a.policy().mode()).isEqualTo(MtaStsMode.TESTING);
      assertThat(a.trace().rule()).isEqualTo("CAC-7");
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(2);
    }

    @Test
    void aTxtRecordWithoutAPolicyYieldsNoPolicyAndIsRememberedBriefly() {
      // TXT-7 and the negative cache
      ResolverFixture f = new ResolverFixture(b -> b.negativeCacheDuration(Duration.ofMinutes(2)));
      PolicyResolution.NoPolicy n = noPolicy(f.resolve());
      assertThat(n.reason()).isEqualTo(NoPolicyReason.NO_RECORD);
      assertThat(n.trace().rule()).isEqualTo("TXT-7");
      assertThat(f.resolve()).isSameAs(n);
      assertThat(f.dns.txtQueries(STS)).isEqualTo(1);
      f.clock.advance(Duration.ofMinutes(2));
      noPolicy(f.resolve());
      assertThat(f.dns.txtQueries(STS)).isEqualTo(2);
      assertThat(f.fetcher.fetches(DOMAIN)).isZero();
    }

    @Test
    void multipleOrInvalidRecordsMeanNoPolicy() {
      // TXT-7
      ResolverFixture f = new ResolverFixture(b -> b.negativeCacheDuration(Duration.ZERO));
      f.dns.putTxt(STS, "v=STSv1; id=1", "v=STSv1; id=2");
      assertThat(noPolicy(f.resolve()).reason()).isEqualTo(NoPolicyReason.MULTIPLE_RECORDS);
      f.dns.putTxt(STS, "v=STSv1; id=bad-id");
      assertThat(noPolicy(f.resolve()).reason()).isEqualTo(NoPolicyReason.INVALID_RECORD);
      f.dns.putTxt(STS, "v=spf1 -all");
      assertThat(noPolicy(f.resolve()).reason()).isEqualTo(NoPolicyReason.NO_RECORD);
      assertThat(f.fetcher.fetches(DOMAIN)).isZero();
    }

    @Test
    void theTxtRecordIsRecheckedAtMostOncePerIntervalOnTheHotPath() {
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ofMinutes(10)))
          .publish("1", POLICY_ENFORCE);
      assertThat(active(f.resolve()).source()).isEqualTo(PolicySource.FETCHED);
      PolicyResolution.Active cached = active(f.resolve());
      assertThat(cached.source()).isEqualTo(PolicySource.CACHED);
      assertThat(cached.trace().rule()).isEqualTo("CAC-3");
      for (int i = 0; i < 100; i++) {
        assertThat(f.resolve()).as("the hot path allocates nothing new").isSameAs(cached);
      }
      assertThat(f.dns.txtQueries(STS)).isEqualTo(1);
      f.clock.advance(Duration.ofMinutes(10));
      assertThat(active(f.resolve()).trace().rule()).isEqualTo("CAC-3");
      assertThat(f.dns.txtQueries(STS)).isEqualTo(2);
    }

    @Test
    void aDomainGivenWithULabelsOrUpperCaseIsTheSameDomain() {
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
      f.resolve("EXAMPLE.com.");
      assertThat(active(f.resolve("example.com")).source()).isEqualTo(PolicySource.CACHED);
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);
      assertThatIllegalArgumentException().isThrownBy(() -> f.resolver.resolve("[192.0.2.1]"))
          .withMessageContaining("TXT-15");
    }
  }

  @Nested
  class Failures {
    @Test
    void aFetchFailureWithNothingCachedMeansNoPolicy() {
      // CAC-5
      ResolverFixture f = new ResolverFixture();
      f.dns.putTxt(STS, "v=STSv1; id=1");
      f.fetcher.fail(DOMAIN, FetchFailure.CERTIFICATE_EXPIRED);
      PolicyResolution.NoPolicy n = noPolicy(f.resolve());
      assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_FAILED);
      assertThat(n.trace().rule()).isEqualTo("CAC-5");
      MtaStsEvent.PolicyFetchFailed e = f.events(MtaStsEvent.PolicyFetchFailed.class).get(0);
      assertThat(e.resultType()).contains(TlsRptResultType.STS_WEBPKI_INVALID);
      assertThat(e.cachedPolicyInUse()).isFalse();
      assertThat(e.reason()).isEqualTo(FetchReason.DISCOVERY);
    }

    @Test
    void aFetchFailureWhileAPolicyIsKeptIsReportedWithTheKeptPolicy() {
      // SEC-2, CAC-6: the administrator alert of RFC 8461 §10.2 (logged at WARN) and its event.
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      f.resolve();
      f.dns.putTxt(STS, "v=STSv1; id=warnlevel11");
      f.fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
      assertThat(active(f.resolve()).policyId()).isEqualTo("1");
      assertThat(f.events(MtaStsEvent.PolicyFetchFailed.class)).singleElement().satisfies(e -> {
        assertThat(e.cachedPolicyInUse()).isTrue();
        assertThat(e.cachedPolicy().policyId()).isEqualTo("1");
      });
      // The administrator reads it in the log at WARN (slf4j-simple writes this module's test log to
      // target/test.log, see simplelogger.properties; each line is written through at once).
      java.nio.file.Path log = java.nio.file.Path.of("target", "test.log");
      assertThat(log).exists();
      assertThat(readLog(log)).anySatisfy(line -> assertThat(line).contains(" WARN ")
          .contains("id warnlevel11").contains("the cached policy (id 1) stays in use"));
    }

    private static java.util.List<String> readLog(java.nio.file.Path log) {
      try {
        return java.nio.file.Files.readAllLines(log);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Test
    void everyKindOfFailureKeepsAValidCachedPolicy() {
      // CAC-6, TXT-13, SEC-3
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      PolicyResolution.Active original = active(f.resolve());

      f.dns.failTxt(STS, DnsFailure.SERVFAIL);
      PolicyResolution.Active onDnsFailure = active(f.resolve());
      assertThat(onDnsFailure.source()).isEqualTo(PolicySource.CACHED_AFTER_FAILURE);
      assertThat(onDnsFailure.trace().rule()).isEqualTo("CAC-6");
      assertThat(f.events(MtaStsEvent.TxtLookupFailed.class)).singleElement()
          .satisfies(e -> assertThat(e.cachedPolicyInUse()).isTrue());

      f.dns.removeTxt(STS);
      PolicyResolution.Active onNxdomain = active(f.resolve());
      assertThat(onNxdomain.trace().rule()).isEqualTo("TXT-13");

      f.dns.putTxt(STS, "v=STSv1; id=1", "v=STSv1; id=2");
      assertThat(active(f.resolve()).trace().txt().status()).isEqualTo(TxtStatus.MULTIPLE_RECORDS);

      f.dns.putTxt(STS, "v=STSv1; id=not_valid");
      assertThat(active(f.resolve()).trace().txt().status()).isEqualTo(TxtStatus.INVALID_RECORD);

      f.dns.putTxt(STS, "v=STSv1; id=2");
      f.fetcher.fail(DOMAIN, FetchFailure.TIMEOUT);
      PolicyResolution.Active onFetchFailure = active(f.resolve());
      assertThat(onFetchFailure.trace().rule()).isEqualTo("CAC-6");
      assertThat(onFetchFailure.policyId()).isEqualTo("1");

      f.fetcher.serve(DOMAIN, "this is not a policy");
      f.clock.advance(Duration.ofMinutes(5));
      PolicyResolution.Active onInvalidPolicy = active(f.resolve());
      assertThat(onInvalidPolicy.policy()).isEqualTo(original.policy());
      assertThat(onInvalidPolicy.expiresAt()).isEqualTo(original.expiresAt());
      assertThat(f.events(MtaStsEvent.PolicyFetchFailed.class)).extracting(e -> e.resultType().orElseThrow())
          .containsExactly(TlsRptResultType.STS_POLICY_FETCH_ERROR, TlsRptResultType.STS_POLICY_INVALID);
    }

    @Test
    void aDnsFailureWithNothingCachedDeliversWithoutPolicyByDefault() {
      // CAC-5 (the sender's choice, documented default)
      ResolverFixture f = new ResolverFixture();
      f.dns.failTxt(STS, DnsFailure.TIMEOUT);
      PolicyResolution.NoPolicy n = noPolicy(f.resolve());
      assertThat(n.reason()).isEqualTo(NoPolicyReason.DNS_FAILURE);
      assertThat(n.trace().txt().detail()).contains("TIMEOUT");
    }

    @Test
    void aDnsFailureWithNothingCachedCanBeConfiguredToDefer() {
      ResolverFixture f = new ResolverFixture(b -> b.onDnsFailureWithoutCache(FailureHandling.DEFER));
      f.dns.failTxt(STS, DnsFailure.SERVFAIL);
      assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Deferred.class,
          d -> assertThat(d.reason()).isEqualTo(DeferReason.DNS_FAILURE));
      f.dns.putTxt(STS, "v=STSv1; id=1");
      f.fetcher.serve(DOMAIN, POLICY_ENFORCE);
      assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
    }

    @Test
    void afterAFailedFetchTheSameIdWaitsFiveMinutesButANewIdIsFetchedAtOnce() {
      // FET-12
      ResolverFixture f = new ResolverFixture(b -> b.negativeCacheDuration(Duration.ZERO));
      f.dns.putTxt(STS, "v=STSv1; id=1");
      f.fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
      assertThat(noPolicy(f.resolve()).reason()).isEqualTo(NoPolicyReason.FETCH_FAILED);
      f.fetcher.serve(DOMAIN, POLICY_ENFORCE);
      f.clock.advance(Duration.ofMinutes(5).minusMillis(1));
      PolicyResolution.NoPolicy backoff = noPolicy(f.resolve());
      assertThat(backoff.reason()).isEqualTo(NoPolicyReason.FETCH_BACKOFF);
      assertThat(backoff.trace().rule()).isEqualTo("FET-12");
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);

      f.dns.putTxt(STS, "v=STSv1; id=2");
      assertThat(active(f.resolve()).policyId()).isEqualTo("2");
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(2);
    }

    @Test
    void theBackoffEndsAfterFiveMinutes() {
      // FET-12
      ResolverFixture f = new ResolverFixture();
      f.dns.putTxt(STS, "v=STSv1; id=1");
      f.fetcher.fail(DOMAIN, FetchFailure.HTTP_STATUS);
      f.resolve();
      f.fetcher.serve(DOMAIN, POLICY_ENFORCE);
      f.clock.advance(Duration.ofMinutes(5));
      assertThat(active(f.resolve()).source()).isEqualTo(PolicySource.FETCHED);
    }

    @Test
    void fetchBackoffCannotBeConfiguredBelowFiveMinutes() {
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsResolver.builder().fetchBackoff(Duration.ofMinutes(4)))
          .withMessageContaining("5 minutes");
    }
  }

  @Nested
  class Replacement {
    @Test
    void aNonePolicyReplacesAnEnforcedOneAndMeansNoPolicy() {
      // CAC-7, CAC-10, APP-3
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      f.resolve();
      f.publish("2", POLICY_NONE);
      PolicyResolution.NoPolicy n = noPolicy(f.resolve());
      assertThat(n.reason()).isEqualTo(NoPolicyReason.MODE_NONE);
      assertThat(n.trace().rule()).isEqualTo("CAC-10");
      assertThat(f.resolver.cached(PolicyDomain.of(DOMAIN))).get().extracting(s -> s.policyId()).isEqualTo("2");
      // The none policy is cached like any other: no further fetch while the id is unchanged.
      noPolicy(f.resolve());
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(2);
    }

    @Test
    void aShorterMaxAgeReplacesALongerOne() {
      // CAC-7
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO))
          .publish("1", POLICY_ENFORCE.replace("86400", "31557600"));
      f.resolve();
      f.publish("2", POLICY_ENFORCE.replace("86400", "600"));
      PolicyResolution.Active a = active(f.resolve());
      assertThat(a.expiresAt()).isEqualTo(f.clock.instant().plusSeconds(600));
    }

    @Test
    void maxAgeIsClampedToTheConfiguredCap() {
      // CAC-11
      ResolverFixture f = new ResolverFixture(b -> b.maxAgeCap(Duration.ofDays(7)))
          .publish("1", POLICY_ENFORCE.replace("86400", "31557600"));
      assertThat(active(f.resolve()).expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofDays(7)));
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsResolver.builder().maxAgeCap(Duration.ofSeconds(31557601)));
    }

    @Test
    void maxAgeZeroIsValidForThisUseOnly() {
      // CAC-11
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE.replace("86400", "0"));
      assertThat(active(f.resolve()).source()).isEqualTo(PolicySource.FETCHED);
      assertThat(active(f.resolve()).source()).isEqualTo(PolicySource.FETCHED);
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(2);
    }

    @Test
    void anUnchangedIdAtExpiryNeedsAFetchNotAnExtension() {
      // CAC-15: the lifetime is extended only after a successful HTTPS fetch.
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
      f.resolve();
      f.clock.advance(Duration.ofDays(1));
      f.fetcher.fail(DOMAIN, FetchFailure.TIMEOUT);
      PolicyResolution.NoPolicy n = noPolicy(f.resolve());
      assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_FAILED);
      assertThat(n.trace().cache()).isEqualTo(CacheState.EXPIRED);
    }

    @Test
    void aChangedBodyUnderAnUnchangedIdIsAdoptedAndReported() {
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
      f.resolve();
      f.clock.advance(Duration.ofDays(1));
      f.fetcher.serve(DOMAIN, POLICY_TESTING);
      assertThat(active(f.resolve()).policy().mode()).isEqualTo(MtaStsMode.TESTING);
      assertThat(f.events(MtaStsEvent.PolicyChangedWithoutNewId.class)).singleElement()
          .satisfies(e -> assertThat(e.policyId()).isEqualTo("1"));
    }
  }

  @Nested
  class OwnerUpdates {
    @Test
    void anIdPublishedBeforeItsPolicyCachesWhatIsServedAndTheRefreshCatchesTheRealChange() {
      // CAC-13: owners should update the policy before the id; when they do it the other way round
      // the sender caches the old body under the new id, and the next refresh adopts the real one.
      ResolverFixture f = new ResolverFixture(b -> b.refreshJitter(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      f.resolve();
      f.dns.putTxt(STS, "v=STSv1; id=2");
      f.clock.advance(Duration.ofMinutes(10));
      PolicyResolution.Active early = active(f.resolve());
      assertThat(early.policyId()).isEqualTo("2");
      assertThat(early.policy().mode()).isEqualTo(MtaStsMode.ENFORCE);
      f.fetcher.serve(DOMAIN, POLICY_TESTING);
      f.clock.advance(Duration.ofHours(12));
      assertThat(f.refresh().changedWithoutNewId()).isEqualTo(1);
      assertThat(active(f.resolve()).policy().mode()).isEqualTo(MtaStsMode.TESTING);
    }

    @Test
    void optingOutWithANonePolicyAndANewIdEndsEnforcement() {
      // CAC-14: mode none with a short max_age and a new id.
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
      f.resolve();
      f.publish("2", POLICY_NONE.replace("86400", "3600"));
      assertThat(noPolicy(f.resolve()).reason()).isEqualTo(NoPolicyReason.MODE_NONE);
      f.dns.removeTxt(STS);
      f.clock.advance(Duration.ofHours(1));
      assertThat(noPolicy(f.resolve()).reason()).as("after max_age and without a record").isEqualTo(NoPolicyReason.NO_RECORD);
    }

    @Test
    void thePolicyDomainIsTheDomainGivenNeverACnameTarget() {
      // APP-10, TXT-14: only _mta-sts.<the domain given> is looked up.
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
      f.resolve("alias.example.org");
      assertThat(f.dns.txtQueries("_mta-sts.alias.example.org")).isEqualTo(1);
      assertThat(f.dns.txtQueries("_mta-sts.example.org")).isZero();
      f.resolve("sub.example.com");
      assertThat(f.dns.txtQueries("_mta-sts.sub.example.com")).isEqualTo(1);
      assertThat(f.dns.txtQueries(STS)).isZero();
    }
  }

  @Nested
  class Recheck {
    @Test
    void recheckBeforeFailureLooksUpTheTxtRecordNowAndFetchesANewId() {
      // CAC-12, APP-4
      ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ofHours(1))).publish("1", POLICY_ENFORCE);
      f.resolve();
      f.publish("2", POLICY_ENFORCE.replace("mx1.example.com", "mx9.example.com"));
      assertThat(active(f.resolve()).policyId()).as("within the re-check interval").isEqualTo("1");
      PolicyResolution.Active fresh = active(f.recheck());
      assertThat(fresh.policyId()).isEqualTo("2");
      assertThat(fresh.policy().matches("mx9.example.com")).isTrue();
      assertThat(f.events(MtaStsEvent.PolicyFetched.class)).extracting(MtaStsEvent.PolicyFetched::reason)
          .containsExactly(FetchReason.DISCOVERY, FetchReason.RECHECK);
      assertThat(active(f.resolve()).policyId()).as("the hot path now serves the new policy").isEqualTo("2");
    }

    @Test
    void recheckWithAnUnchangedIdFetchesNothing() {
      // CAC-12
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
      f.resolve();
      assertThat(active(f.recheck()).trace().rule()).isEqualTo("CAC-3");
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);
      assertThat(f.dns.txtQueries(STS)).isEqualTo(2);
    }
  }

  @Nested
  class Refresh {
    @Test
    void cachedPoliciesAreRefetchedDailyWithJitterWhateverTheTxtRecordSays() {
      // CAC-8, SEC-1
      ResolverFixture f = new ResolverFixture(b -> b.refreshJitter(Duration.ofHours(1)).random(new java.util.Random(7)))
          .publish("1", POLICY_ENFORCE.replace("86400", "604800"));
      PolicyResolution.Active first = active(f.resolve());
      f.dns.failTxt(STS, DnsFailure.SERVFAIL);
      f.clock.advance(Duration.ofHours(22));
      assertThat(f.refresh()).isEqualTo(new RefreshSummary(0, 0, 0, 0));
      f.clock.advance(Duration.ofHours(3));
      assertThat(f.refresh()).isEqualTo(new RefreshSummary(1, 1, 0, 0));
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(2);
      PolicyResolution.Active after = active(f.resolve());
      assertThat(after.fetchedAt()).isEqualTo(f.clock.instant());
      assertThat(after.expiresAt()).isAfter(first.expiresAt());
      assertThat(f.events(MtaStsEvent.PolicyFetched.class)).extracting(MtaStsEvent.PolicyFetched::reason)
          .containsExactly(FetchReason.DISCOVERY, FetchReason.REFRESH);
      assertThat(f.refresh().attempted()).as("not due again until tomorrow").isZero();
    }

    @Test
    void refreshFailuresAreReportedAndTheCachedPolicyKept() {
      // CAC-9, SEC-2
      ResolverFixture f = new ResolverFixture(b -> b.refreshJitter(Duration.ZERO))
          .publish("1", POLICY_ENFORCE.replace("86400", "604800"));
      f.resolve();
      f.fetcher.fail(DOMAIN, FetchFailure.CERTIFICATE_NAME_MISMATCH);
      f.clock.advance(Duration.ofDays(1));
      assertThat(f.refresh()).isEqualTo(new RefreshSummary(1, 0, 0, 1));
      MtaStsEvent.RefreshFailed e = f.events(MtaStsEvent.RefreshFailed.class).get(0);
      assertThat(e.resultType()).contains(TlsRptResultType.STS_WEBPKI_INVALID);
      assertThat(e.timeToExpiry()).isEqualTo(Duration.ofDays(6));
      assertThat(active(f.resolve()).policyId()).isEqualTo("1");
      f.clock.advance(Duration.ofMinutes(59));
      assertThat(f.refresh().attempted()).as("retried after the retry interval only").isZero();
      f.clock.advance(Duration.ofMinutes(1));
      assertThat(f.refresh().attempted()).isEqualTo(1);
    }

    @Test
    void aShortMaxAgeIsRefreshedAtHalfItsLifetimeNotAfterItExpired() {
      // CAC-8, §10.2: a daily refresh would come too late for a one-day policy.
      ResolverFixture f = new ResolverFixture(b -> b.refreshJitter(Duration.ofHours(1)).random(new java.util.Random(3)))
          .publish("1", POLICY_ENFORCE);
      f.resolve();
      f.clock.advance(Duration.ofHours(11).minusMinutes(1));
      assertThat(f.refresh().attempted()).as("not before 12 h minus the 1 h jitter").isZero();
      f.clock.advance(Duration.ofHours(2).plusMinutes(2));
      assertThat(f.refresh()).isEqualTo(new RefreshSummary(1, 1, 0, 0));
    }

    @Test
    void refreshRoundsForgetStateThatHoldsNothingValid() {
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
      f.resolve();
      f.resolve("nopolicy.example");
      assertThat(f.resolver.cached(dev.mtasts.core.PolicyDomain.of(DOMAIN))).isPresent();
      f.clock.advance(Duration.ofDays(2));
      f.refresh();
      assertThat(f.resolver.cached(dev.mtasts.core.PolicyDomain.of(DOMAIN))).as("expired: forgotten").isEmpty();
      // Forgetting changes nothing a caller sees: the next resolution fetches again as it must.
      assertThat(active(f.resolve()).source()).isEqualTo(PolicySource.FETCHED);
    }

    @Test
    void nonePoliciesAreRefreshedButTheirFailuresRaiseNoAlert() {
      // CAC-17 (refresh mode none like any policy), CAC-9, CAC-10 (no alert for mode none).
      ResolverFixture f = new ResolverFixture(b -> b.refreshJitter(Duration.ZERO)).publish("1", POLICY_NONE.replace("86400", "604800"));
      f.resolve();
      f.fetcher.fail(DOMAIN, FetchFailure.TIMEOUT);
      f.clock.advance(Duration.ofDays(2));
      assertThat(f.refresh()).isEqualTo(new RefreshSummary(1, 0, 0, 1));
      assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(2);
      assertThat(f.events(MtaStsEvent.RefreshFailed.class)).isEmpty();
      f.fetcher.serve(DOMAIN, POLICY_NONE.replace("86400", "604800"));
      f.clock.advance(Duration.ofHours(1));
      assertThat(f.refresh()).as("retried like any policy").isEqualTo(new RefreshSummary(1, 1, 0, 0));
      assertThat(f.resolver.cached(PolicyDomain.of(DOMAIN))).get()
          .satisfies(st -> assertThat(st.fetchedAt()).isEqualTo(f.clock.instant()));
    }

    @Test
    void aRefreshedBodyThatChangedUnderTheSameIdIsAdoptedAndReported() {
      ResolverFixture f = new ResolverFixture(b -> b.refreshJitter(Duration.ZERO))
          .publish("1", POLICY_ENFORCE.replace("86400", "604800"));
      f.resolve();
      f.fetcher.serve(DOMAIN, POLICY_TESTING.replace("86400", "604800"));
      f.clock.advance(Duration.ofDays(1));
      assertThat(f.refresh()).isEqualTo(new RefreshSummary(1, 0, 1, 0));
      assertThat(f.events(MtaStsEvent.PolicyChangedWithoutNewId.class)).singleElement().satisfies(e -> {
        assertThat(e.previous().mode()).isEqualTo(MtaStsMode.ENFORCE);
        assertThat(e.current().mode()).isEqualTo(MtaStsMode.TESTING);
      });
      assertThat(active(f.resolve()).policy().mode()).isEqualTo(MtaStsMode.TESTING);
    }

    @Test
    void jitterIsBoundedByHalfTheInterval() {
      assertThatIllegalStateException().isThrownBy(() -> MtaStsResolver.builder().dnsLookup(dev.mtasts.testing.FakeDnsLookup.create())
          .policyFetcher(dev.mtasts.testing.FakePolicyFetcher.create()).refreshInterval(Duration.ofHours(1))
          .refreshJitter(Duration.ofHours(1)).build());
    }
  }

  @Nested
  class Events {
    @Test
    void everyResolutionIsReportedCachedOnesIncluded() {
      ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
      f.resolve();
      f.resolve();
      f.resolve();
      assertThat(f.events(MtaStsEvent.Resolved.class)).hasSize(3);
      assertThat(f.events(MtaStsEvent.PolicyFetched.class)).hasSize(1);
    }

    @Test
    void aFailingListenerDoesNotBreakResolution() {
      ResolverFixture f = new ResolverFixture(b -> b.addListener(e -> {
        throw new IllegalStateException("listener bug");
      })).publish("1", POLICY_ENFORCE);
      assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
    }
  }

  @Test
  void theBuilderFailsFastOnMissingPartsAndRepeatedOptions() {
    assertThatNullPointerException().isThrownBy(() -> MtaStsResolver.builder().build())
        .withMessageContaining("dnsLookup");
    assertThatIllegalStateException().isThrownBy(() -> MtaStsResolver.builder()
        .txtRecheckInterval(Duration.ZERO).txtRecheckInterval(Duration.ZERO)).withMessageContaining("already set");
    assertThatIllegalArgumentException().isThrownBy(() -> MtaStsResolver.builder().negativeCacheDuration(Duration.ofSeconds(-1)));
  }

  @Test
  void resolveSyncReturnsTheSameAnswer() {
    ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
    assertThat(f.resolver.resolveSync(DOMAIN)).isInstanceOf(PolicyResolution.Active.class);
    assertThatIllegalArgumentException().isThrownBy(() -> f.resolver.resolveSync("not a domain"));
  }

  @Test
  void theTraceNamesTheRuleForEveryOutcome() {
    ResolverFixture f = new ResolverFixture();
    List<String> rules = List.of(noPolicy(f.resolve()).trace().rule());
    assertThat(rules).containsExactly("TXT-7");
    assertThat(Instant.EPOCH).isNotNull();
  }
}
