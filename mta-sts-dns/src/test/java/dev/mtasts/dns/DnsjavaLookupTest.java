package dev.mtasts.dns;

import static dev.mtasts.dns.FakeZone.cname;
import static dev.mtasts.dns.FakeZone.mx;
import static dev.mtasts.dns.FakeZone.txt;
import static dev.mtasts.dns.FakeZone.txtBytes;
import static dev.mtasts.dns.OutcomeAssertions.await;
import static dev.mtasts.dns.OutcomeAssertions.failure;
import static dev.mtasts.dns.OutcomeAssertions.recordList;
import static dev.mtasts.dns.OutcomeAssertions.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.dns.FakeDnsServer.Raw;
import dev.mtasts.dns.FakeDnsServer.Silence;
import dev.mtasts.dns.FakeDnsServer.Transport;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * {@link DnsjavaLookup} against an in-process DNS server on a loopback port that speaks the real
 * wire format and injects faults. Every failing case is awaited with a hang guard: it must
 * complete, with the right outcome and reason.
 */
@Timeout(60)
class DnsjavaLookupTest {
  private static final String STS = "_mta-sts.example.";
  private static final String RECORD = "v=STSv1; id=20240101T000000;";

  private static ExecutorService executor;

  @BeforeAll
  static void startExecutor() {
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "lookup-test-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stopExecutor() {
    executor.shutdownNow();
  }

  private static DnsjavaLookup.Builder builder(FakeDnsServer... servers) {
    return DnsjavaLookup.builder()
        .servers(Arrays.stream(servers).map(FakeDnsServer::hostPort).toArray(String[]::new))
        .executor(executor);
  }

  private static DnsjavaLookup lookup(FakeDnsServer... servers) {
    return builder(servers).build();
  }

  /** Short real timeouts, for servers that never answer (the verdict does not depend on them). */
  private static DnsjavaLookup impatient(FakeDnsServer server) {
    return builder(server)
        .queryTimeout(Duration.ofMillis(100))
        .deadline(Duration.ofMillis(400))
        .build();
  }

  // ---- records --------------------------------------------------------------------------------

  @Test
  void txtRecordIsReturnedAsText() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(txt(STS, RECORD)))) {
      DnsOutcome<String> outcome = await(lookup(server).txt("_mta-sts.example"));

      assertThat(records(outcome).records()).containsExactly(RECORD);
      assertThat(outcome.name()).isEqualTo("_mta-sts.example");
      assertThat(records(outcome).cnameChain()).isEmpty();
    }
  }

  @Test
  void multiStringTxtIsJoinedWithNoAddedSpaces() throws Exception { // TXT-9
    try (FakeDnsServer server = FakeDnsServer.start(
        FakeZone.chasing().add(txt(STS, "v=STSv1;", "id=", "2024;", "")))) {
      assertThat(recordList(await(lookup(server).txt(STS)))).containsExactly("v=STSv1;id=2024;");
    }
  }

  @Test
  void txtBytesAreNotZoneEscapedAndHighBytesStayVisible() throws Exception { // TXT-9, TXT-2
    byte[] raw = {'v', '=', '"', '\\', ';', ' ', (byte) 0x80, (byte) 0xE9, (byte) 0xFF, 0x00, 0x7F};
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(txtBytes(STS, raw)))) {
      String text = recordList(await(lookup(server).txt(STS))).get(0);

      assertThat(text).isEqualTo("v=\"\\; \u0080\u00E9\u00FF\u0000\u007F");
    }
  }

  @Test
  void everyTxtRecordIsReturnedSeparately() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing()
        .add(txt(STS, RECORD), txt(STS, "v=STSv1; id=other;"), txt(STS, "unrelated")))) {
      assertThat(recordList(await(lookup(server).txt(STS))))
          .containsExactlyInAnyOrder(RECORD, "v=STSv1; id=other;", "unrelated");
    }
  }

  @Test
  void fiftyTxtRecordsArriveOverTcpAfterTruncatedUdp() throws Exception {
    FakeZone zone = FakeZone.chasing();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String text = "v=STSv1; id=record" + i + "padpadpadpadpadpadpadpad;";
      expected.add(text);
      zone.add(txt(STS, text));
    }
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      DnsOutcome<String> outcome = await(lookup(server).txt(STS));

      assertThat(recordList(outcome)).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(server.count(Transport.UDP)).isEqualTo(1);
      assertThat(server.count(Transport.TCP)).isEqualTo(1);
    }
  }

  @Test
  void truncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((query, transport) -> {
      if (transport == Transport.UDP) {
        Message truncated = FakeDnsServer.response(query, Rcode.NOERROR);
        truncated.getHeader().setFlag(Flags.TC);
        return new FakeDnsServer.Answer(truncated);
      }
      return FakeDnsServer.answer(query, txt(STS, RECORD));
    })) {
      assertThat(recordList(await(lookup(server).txt(STS)))).containsExactly(RECORD);
      assertThat(server.count(Transport.TCP)).isEqualTo(1);
    }
  }

  @Test
  void tcpOnlySendsNothingOverUdp() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(txt(STS, RECORD)))) {
      DnsjavaLookup lookup = builder(server).tcpOnly().build();

      assertThat(recordList(await(lookup.txt(STS)))).containsExactly(RECORD);
      assertThat(server.count(Transport.UDP)).isZero();
      assertThat(server.count(Transport.TCP)).isEqualTo(1);
    }
  }

  @Test
  void mxRecordsKeepTheirOrderAndLoseTheRootDot() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(
        mx("example.", 20, "MX2.Example."), mx("example.", 10, "mx1.example."),
        mx("example.", 10, "mx3.mail.example.")))) {
      assertThat(recordList(await(lookup(server).mx("example")))).containsExactly(
          new MxRecord(20, "mx2.example"), new MxRecord(10, "mx1.example"),
          new MxRecord(10, "mx3.mail.example"));
    }
  }

  @Test
  void nullMxHasAnEmptyHost() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(mx("example.", 0, ".")))) {
      List<MxRecord> mx = recordList(await(lookup(server).mx("example.")));

      assertThat(mx).containsExactly(new MxRecord(0, ""));
      assertThat(mx.get(0).isNullMx()).isTrue();
    }
  }

  // ---- no such name, no data ------------------------------------------------------------------

  @Test
  void nxdomainIsNoSuchName() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(txt("other.", "x")))) {
      assertThat(await(lookup(server).txt(STS))).isEqualTo(new DnsOutcome.NoSuchName<>(STS));
    }
  }

  @ParameterizedTest(name = "server chases CNAMEs: {0}")
  @ValueSource(booleans = {true, false})
  void nxdomainAtTheEndOfACnameChainIsNoSuchName(boolean chase) throws Exception {
    FakeZone zone = (chase ? FakeZone.chasing() : FakeZone.notChasing())
        .add(cname(STS, "_mta-sts.provider.example."));
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      assertThat(await(lookup(server).txt(STS))).isEqualTo(new DnsOutcome.NoSuchName<>(STS));
    }
  }

  @Test
  void emptyNoerrorAnswerIsNoData() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(
        FakeZone.chasing().add(mx("_mta-sts.example.", 10, "mx.example.")))) {
      assertThat(await(lookup(server).txt(STS))).isEqualTo(new DnsOutcome.NoData<>(STS));
    }
  }

  @ParameterizedTest(name = "server chases CNAMEs: {0}")
  @ValueSource(booleans = {true, false})
  void cnameToANameWithoutTheTypeIsNoData(boolean chase) throws Exception {
    FakeZone zone = (chase ? FakeZone.chasing() : FakeZone.notChasing())
        .add(cname(STS, "target.example."), mx("target.example.", 10, "mx.example."));
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      assertThat(await(lookup(server).txt(STS))).isEqualTo(new DnsOutcome.NoData<>(STS));
    }
  }

  // ---- CNAME chains ---------------------------------------------------------------------------

  @ParameterizedTest(name = "server chases CNAMEs: {0}")
  @ValueSource(booleans = {true, false})
  void cnameChainIsFollowedAndReported(boolean chase) throws Exception { // TXT-10
    FakeZone zone = (chase ? FakeZone.chasing() : FakeZone.notChasing()).add(
        cname(STS, "_mta-sts.provider.example."),
        cname("_mta-sts.provider.example.", "Policy.Provider.example."),
        txt("policy.provider.example.", RECORD));
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      DnsOutcome.Records<String> records = records(await(lookup(server).txt(STS)));

      assertThat(records.records()).containsExactly(RECORD);
      assertThat(records.cnameChain())
          .containsExactly("_mta-sts.provider.example", "policy.provider.example");
    }
  }

  @ParameterizedTest(name = "server chases CNAMEs: {0}")
  @ValueSource(booleans = {true, false})
  void cnameChainAtTheBoundIsFollowed(boolean chase) throws Exception { // TXT-10
    FakeZone zone = (chase ? FakeZone.chasing() : FakeZone.notChasing())
        .chain(STS, 3, "hop").add(txt("hop3.example.", RECORD));
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      DnsOutcome<String> outcome = await(builder(server).maxCnameChain(3).build().txt(STS));

      assertThat(records(outcome).cnameChain()).hasSize(3);
    }
  }

  @ParameterizedTest(name = "server chases CNAMEs: {0}")
  @ValueSource(booleans = {true, false})
  void cnameChainOverTheBoundIsATemporaryFailure(boolean chase) throws Exception { // TXT-10
    FakeZone zone = (chase ? FakeZone.chasing() : FakeZone.notChasing())
        .chain(STS, 4, "hop").add(txt("hop4.example.", RECORD));
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      failure(await(builder(server).maxCnameChain(3).build().txt(STS)), DnsFailure.CNAME_CHAIN);
    }
  }

  @ParameterizedTest(name = "server chases CNAMEs: {0}")
  @ValueSource(booleans = {true, false})
  void cnameLoopIsATemporaryFailure(boolean chase) throws Exception { // TXT-10, SEC-3
    FakeZone zone = (chase ? FakeZone.chasing() : FakeZone.notChasing())
        .add(cname(STS, "a.example."), cname("a.example.", "b.example."),
            cname("b.example.", STS));
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      failure(await(lookup(server).txt(STS)), DnsFailure.CNAME_CHAIN);
    }
  }

  @Test
  void cnameToItselfIsATemporaryFailure() throws Exception { // TXT-10
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.notChasing().add(cname(STS, STS)))) {
      failure(await(lookup(server).txt(STS)), DnsFailure.CNAME_CHAIN);
    }
  }

  // ---- server failures ------------------------------------------------------------------------

  @ParameterizedTest(name = "RCODE {0}")
  @ValueSource(ints = {Rcode.SERVFAIL, Rcode.REFUSED, Rcode.FORMERR, Rcode.NOTIMP, Rcode.YXDOMAIN})
  void errorRcodesAreTemporaryFailures(int rcode) throws Exception { // TXT-13, SEC-3
    DnsFailure expected = switch (rcode) {
      case Rcode.SERVFAIL -> DnsFailure.SERVFAIL;
      case Rcode.REFUSED -> DnsFailure.REFUSED;
      default -> DnsFailure.OTHER_RCODE;
    };
    try (FakeDnsServer server = FakeDnsServer.start(
        (q, t) -> new FakeDnsServer.Answer(FakeDnsServer.response(q, rcode)))) {
      DnsOutcome.TemporaryFailure<?> f = failure(await(lookup(server).txt(STS)), expected);

      assertThat(f.message()).contains(Rcode.string(rcode));
      assertThat(f.cause()).isNotNull();
      assertThat(server.count(Transport.UDP)).isEqualTo(2); // attemptsPerServer defaults to 2
    }
  }

  @Test
  void servfailWithRecordsInTheAnswerIsStillAFailure() throws Exception { // SEC-3
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> new FakeDnsServer.Answer(
        FakeDnsServer.response(q, Rcode.SERVFAIL, txt(STS, RECORD))))) {
      failure(await(lookup(server).txt(STS)), DnsFailure.SERVFAIL);
    }
  }

  @Test
  void nextServerIsAskedWhenTheFirstFails() throws Exception {
    try (FakeDnsServer failing = FakeDnsServer.start(
            (q, t) -> new FakeDnsServer.Answer(FakeDnsServer.response(q, Rcode.SERVFAIL)));
        FakeDnsServer working = FakeDnsServer.start(FakeZone.chasing().add(txt(STS, RECORD)))) {
      DnsjavaLookup lookup = lookup(failing, working);

      assertThat(recordList(await(lookup.txt(STS)))).containsExactly(RECORD);
      assertThat(failing.count(Transport.UDP)).isEqualTo(1);
    }
  }

  @Test
  void silentServerTimesOut() throws Exception { // TXT-13
    try (FakeDnsServer server = FakeDnsServer.silent()) {
      DnsOutcome.TemporaryFailure<?> f = failure(await(impatient(server).txt(STS)), DnsFailure.TIMEOUT);

      assertThat(f.name()).isEqualTo(STS);
      assertThat(server.count(Transport.UDP)).isBetween(1, 2);
    }
  }

  @Test
  void unreachableUdpServerIsANetworkError() throws Exception {
    int port;
    try (DatagramSocket closedPort = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      port = closedPort.getLocalPort();
    }
    DnsjavaLookup lookup = DnsjavaLookup.builder().servers("127.0.0.1:" + port)
        .executor(executor).build();

    failure(await(lookup.txt(STS)), DnsFailure.NETWORK_ERROR);
  }

  @Test
  void refusedTcpConnectionIsANetworkError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    DnsjavaLookup lookup = DnsjavaLookup.builder().servers("127.0.0.1:" + port).tcpOnly()
        .executor(executor).build();

    failure(await(lookup.txt(STS)), DnsFailure.NETWORK_ERROR);
  }

  // ---- malformed and oversized answers --------------------------------------------------------

  @Test
  void garbageDatagramsAreIgnoredUntilTheQueryTimesOut() throws Exception { // SEC-13
    Random random = new Random(8461);
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      byte[] garbage = new byte[200];
      random.nextBytes(garbage);
      return new Raw(garbage);
    })) {
      failure(await(impatient(server).txt(STS)), DnsFailure.TIMEOUT);
    }
  }

  @Test
  void garbageAfterAValidHeaderAndQuestionIsAMalformedAnswer() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      byte[] wire = FakeDnsServer.response(q, Rcode.NOERROR, txt(STS, RECORD)).toWire();
      int afterQuestion = 12 + q.getQuestion().getName().length() + 4;
      for (int i = afterQuestion; i < wire.length; i++) {
        wire[i] = (byte) 0xC0; // compression pointers pointing nowhere
      }
      return new Raw(wire);
    })) {
      failure(await(lookup(server).txt(STS)), DnsFailure.MALFORMED_ANSWER);
    }
  }

  @Test
  void udpAnswerCutShortWithoutTheTcFlagIsAMalformedAnswer() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      byte[] wire = FakeDnsServer.response(q, Rcode.NOERROR, txt(STS, RECORD)).toWire();
      return new Raw(Arrays.copyOf(wire, wire.length - 10));
    })) {
      failure(await(lookup(server).txt(STS)), DnsFailure.MALFORMED_ANSWER);
    }
  }

  @Test
  void tooShortDatagramIsIgnoredUntilTheQueryTimesOut() throws Exception { // SEC-13
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> new Raw(new byte[] {1, 2, 3}))) {
      failure(await(impatient(server).txt(STS)), DnsFailure.TIMEOUT);
    }
  }

  @Test
  void answerToAnotherQuestionIsIgnoredUntilTheQueryTimesOut() throws Exception { // SEC-13
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      Message forged = new Message(q.getHeader().getID());
      forged.getHeader().setFlag(Flags.QR);
      forged.addRecord(Record.newRecord(FakeZone.name("evil.example."), Type.TXT, 1),
          org.xbill.DNS.Section.QUESTION);
      forged.addRecord(txt("evil.example.", RECORD), org.xbill.DNS.Section.ANSWER);
      return new FakeDnsServer.Answer(forged);
    })) {
      failure(await(impatient(server).txt(STS)), DnsFailure.TIMEOUT);
    }
  }

  @Test
  void answerOverTheSizeBoundIsTooLarge() throws Exception { // SEC-8
    FakeZone zone = FakeZone.chasing();
    for (int i = 0; i < 40; i++) {
      zone.add(txt(STS, "v=STSv1; id=" + "x".repeat(30) + i + ";"));
    }
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      DnsjavaLookup lookup = builder(server).maxAnswerSize(600).build();

      DnsOutcome.TemporaryFailure<?> f = failure(await(lookup.txt(STS)), DnsFailure.ANSWER_TOO_LARGE);
      assertThat(f.message()).contains("the limit is 600");
      assertThat(server.count(Transport.TCP)).isPositive();
    }
  }

  @Test
  void answerWithMoreRecordsThanTheBoundIsTooLarge() throws Exception { // SEC-8
    FakeZone zone = FakeZone.chasing();
    for (int i = 0; i < 11; i++) {
      zone.add(txt(STS, "r" + i));
    }
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      failure(await(builder(server).maxRecords(10).build().txt(STS)), DnsFailure.ANSWER_TOO_LARGE);
    }
  }

  @Test
  void fiftyRecordsFitTheDefaultBounds() throws Exception { // SEC-8
    FakeZone zone = FakeZone.chasing();
    for (int i = 0; i < 50; i++) {
      zone.add(mx("example.", i, "mx" + i + ".example."));
    }
    try (FakeDnsServer server = FakeDnsServer.start(zone)) {
      assertThat(recordList(await(lookup(server).mx("example")))).hasSize(50);
    }
  }

  // ---- deadlines and threads ------------------------------------------------------------------

  @Test
  void deadlineIsEnforcedByTheConfiguredScheduler() throws Exception { // TXT-13
    ManualScheduler scheduler = new ManualScheduler();
    try (FakeDnsServer server = FakeDnsServer.silent()) {
      DnsjavaLookup lookup = builder(server)
          .queryTimeout(Duration.ofHours(1))
          .deadline(Duration.ofHours(1))
          .scheduler(scheduler)
          .build();
      CompletableFuture<DnsOutcome<String>> result = lookup.txt(STS).toCompletableFuture();
      server.awaitQueries(1);

      assertThat(result).isNotDone();
      assertThat(scheduler.fireAll()).isPositive();
      failure(await(result), DnsFailure.TIMEOUT);
    }
  }

  @Test
  void queryTimeoutMovesOnToTheNextAttempt() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    AtomicInteger seen = new AtomicInteger();
    try (FakeDnsServer server = FakeDnsServer.start((q, t) ->
        seen.incrementAndGet() == 1 ? new Silence() : FakeDnsServer.answer(q, txt(STS, RECORD)))) {
      DnsjavaLookup lookup = builder(server)
          .queryTimeout(Duration.ofMinutes(1))
          .deadline(Duration.ofHours(1))
          .scheduler(scheduler)
          .build();
      CompletableFuture<DnsOutcome<String>> result = lookup.txt(STS).toCompletableFuture();
      server.awaitQueries(1);

      // The query timer and the deadline are both pending; fire only the query timer.
      assertThat(scheduler.fire(Duration.ofMinutes(1))).isEqualTo(1);
      assertThat(recordList(await(result))).containsExactly(RECORD);
      assertThat(server.count(Transport.UDP)).isEqualTo(2);
    }
  }

  @Test
  void deadlineCoversTheWholeCnameChain() throws Exception { // SEC-8
    ManualScheduler scheduler = new ManualScheduler();
    try (FakeDnsServer server = FakeDnsServer.start((q, t) ->
        q.getQuestion().getName().equals(FakeZone.name(STS))
            ? FakeDnsServer.answer(q, cname(STS, "slow.example."))
            : new Silence())) {
      DnsjavaLookup lookup = builder(server)
          .queryTimeout(Duration.ofMinutes(1)).deadline(Duration.ofHours(1))
          .scheduler(scheduler).build();
      CompletableFuture<DnsOutcome<String>> result = lookup.txt(STS).toCompletableFuture();
      server.awaitQueries(2);

      assertThat(result).isNotDone();
      assertThat(scheduler.fire(Duration.ofHours(1))).isEqualTo(1);
      DnsOutcome.TemporaryFailure<?> f = failure(await(result), DnsFailure.TIMEOUT);
      assertThat(f.message()).contains("deadline");
    }
  }

  @Test
  void stagesCompleteOnTheConfiguredExecutor() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      release.await();
      return FakeDnsServer.answer(q, txt(STS, RECORD));
    })) {
      CompletionStage<String> thread = lookup(server).txt(STS)
          .thenApply(outcome -> Thread.currentThread().getName());
      release.countDown();

      assertThat(thread.toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS))
          .startsWith("lookup-test-");
    }
  }

  @Test
  void failuresCompleteOnTheConfiguredExecutorToo() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      release.await();
      return new FakeDnsServer.Answer(FakeDnsServer.response(q, Rcode.REFUSED));
    })) {
      CompletionStage<String> thread = builder(server).attemptsPerServer(1).build().txt(STS)
          .thenApply(outcome -> {
            failure(outcome, DnsFailure.REFUSED);
            return Thread.currentThread().getName();
          });
      release.countDown();

      assertThat(thread.toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS))
          .startsWith("lookup-test-");
    }
  }

  @Test
  void manyConcurrentLookupsEachGetTheirOwnAnswer() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      String owner = q.getQuestion().getName().toString(true);
      return FakeDnsServer.answer(q, txt(owner + ".", "answer for " + owner));
    })) {
      DnsjavaLookup lookup = lookup(server);
      List<CompletableFuture<DnsOutcome<String>>> results = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        results.add(lookup.txt("_mta-sts.d" + i + ".example").toCompletableFuture());
      }

      for (int i = 0; i < results.size(); i++) {
        assertThat(recordList(await(results.get(i))))
            .containsExactly("answer for _mta-sts.d" + i + ".example");
      }
    }
  }

  // ---- names ----------------------------------------------------------------------------------

  @Test
  void uLabelsAreSentAsALabels() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(
        FakeZone.chasing().add(txt("_mta-sts.xn--bcher-kva.example.", RECORD)))) {
      DnsOutcome<String> outcome = await(lookup(server).txt("_mta-sts.Bücher.example"));

      assertThat(recordList(outcome)).containsExactly(RECORD);
      assertThat(outcome.name()).isEqualTo("_mta-sts.Bücher.example");
      assertThat(server.queries().get(0).getQuestion().getName().toString())
          .isEqualTo("_mta-sts.xn--bcher-kva.example.");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mail", "mail.", "MAIL"})
  void namesAreAbsoluteAndNeverGetASearchSuffix(String name) throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(mx("mail.", 1, "mx.")))) {
      assertThat(recordList(await(lookup(server).mx(name)))).containsExactly(new MxRecord(1, "mx"));
      assertThat(server.queries()).singleElement()
          .satisfies(q -> assertThat(q.getQuestion().getName().toString()).isEqualTo("mail."));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a..example", ".example", "a b.example", "a\\.example",
      "a\\046b.example", "exa*mple", "@", "x\u0000y"})
  void invalidNamesFailTheStageWithIllegalArgument(String name) throws Exception {
    try (FakeDnsServer server = FakeDnsServer.silent()) {
      CompletableFuture<DnsOutcome<String>> result = lookup(server).txt(name).toCompletableFuture();

      assertThat(result).isCompletedExceptionally();
      assertThat(result.handle((o, e) -> e).get()).isInstanceOf(IllegalArgumentException.class);
      assertThat(server.queries()).isEmpty();
    }
  }

  @Test
  void overlongLabelsAndNamesFailTheStage() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.silent()) {
      DnsjavaLookup lookup = lookup(server);
      String label64 = "a".repeat(64) + ".example";
      String name254 = ("a".repeat(49) + ".").repeat(5) + "abcd";

      assertThat(name254).hasSize(254);
      for (String name : List.of(label64, name254)) {
        CompletableFuture<DnsOutcome<MxRecord>> result = lookup.mx(name).toCompletableFuture();
        assertThat(result.handle((o, e) -> e).get()).isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(server.queries()).isEmpty();
    }
  }

  @Test
  void longestValidNameIsLookedUp() throws Exception {
    String name253 = ("a".repeat(49) + ".").repeat(5) + "abc";
    try (FakeDnsServer server = FakeDnsServer.start(FakeZone.chasing().add(txt(name253 + ".", "x")))) {
      assertThat(name253).hasSize(253);
      assertThat(recordList(await(lookup(server).txt(name253)))).containsExactly("x");
    }
  }

  @Test
  void nullNameFailsTheStageWithNullPointer() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.silent()) {
      String nothing = null;
      CompletableFuture<DnsOutcome<String>> result = lookup(server).txt(nothing).toCompletableFuture();

      assertThat(result.handle((o, e) -> e).get()).isInstanceOf(NullPointerException.class);
    }
  }
}
