package dev.mtasts.dns;

import static dev.mtasts.dns.FakeZone.txt;
import static dev.mtasts.dns.OutcomeAssertions.await;
import static dev.mtasts.dns.OutcomeAssertions.failure;
import static dev.mtasts.dns.OutcomeAssertions.recordList;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.dns.FakeDnsServer.Answer;
import dev.mtasts.dns.FakeDnsServer.FromElsewhere;
import dev.mtasts.dns.FakeDnsServer.Reply;
import dev.mtasts.dns.FakeDnsServer.Several;
import dev.mtasts.dns.FakeDnsServer.Transport;
import dev.mtasts.dns.internal.UdpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * SEC-13 (RFC 5452 §9.1): a UDP datagram is the answer only if it comes from the server queried
 * and matches the query's ID, QR bit and question; anything else is dropped and the wait goes on
 * until the query timeout. Each forged datagram below carries a record the real answer does not,
 * so taking it for the answer shows in the outcome.
 */
@Timeout(60)
@DisplayName("SEC-13: datagrams that do not answer the query are ignored (RFC 5452 §9.1)")
class SpoofedDatagramTest {
  private static final String STS = "_mta-sts.example.";
  private static final String REAL = "v=STSv1; id=real;";
  private static final String FORGED = "v=STSv1; id=forged;";

  private static ExecutorService executor;

  @BeforeAll
  static void startExecutor() {
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "spoof-test");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stopExecutor() {
    executor.shutdownNow();
  }

  /** Long timeouts: every verdict here comes from datagrams, never from a timer. */
  private static DnsjavaLookup patient(FakeDnsServer server) {
    return DnsjavaLookup.builder().servers(server.hostPort()).executor(executor)
        .queryTimeout(Duration.ofSeconds(20)).deadline(Duration.ofSeconds(40)).build();
  }

  /** Short real timeouts, for servers that send nothing usable. */
  private static DnsjavaLookup impatient(FakeDnsServer server) {
    return DnsjavaLookup.builder().servers(server.hostPort()).executor(executor)
        .queryTimeout(Duration.ofMillis(150)).deadline(Duration.ofMillis(600)).build();
  }

  private static Answer real(Message q) {
    return FakeDnsServer.answer(q, txt(STS, REAL));
  }

  private static Message forged(Message q, int rcode) {
    return FakeDnsServer.response(q, rcode, rcode == Rcode.NOERROR ? new Record[] {txt(STS, FORGED)}
        : new Record[0]);
  }

  private static Answer wrongId(Message q, int rcode) {
    Message m = forged(q, rcode);
    m.getHeader().setID((q.getHeader().getID() + 1) & 0xFFFF);
    return new Answer(m);
  }

  private static Answer notAResponse(Message q, int rcode) {
    Message m = forged(q, rcode);
    m.getHeader().unsetFlag(Flags.QR);
    return new Answer(m);
  }

  private static Answer otherQuestion(Message q, String what, int rcode) {
    Record question = q.getQuestion();
    Record other = switch (what) {
      case "name" -> Record.newRecord(FakeZone.name("_mta-sts.evil.example."), Type.TXT, DClass.IN);
      case "type" -> Record.newRecord(question.getName(), Type.MX, DClass.IN);
      case "class" -> Record.newRecord(question.getName(), Type.TXT, DClass.CH);
      default -> throw new IllegalArgumentException(what);
    };
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setRcode(rcode);
    m.addRecord(other, Section.QUESTION);
    if (rcode == Rcode.NOERROR) {
      m.addRecord(txt(STS, FORGED), Section.ANSWER);
    }
    return new Answer(m);
  }

  @Test
  void aDatagramWithAWrongIdIsIgnoredAndTheAnswerAfterItIsUsed() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(
        (q, t) -> new Several(wrongId(q, Rcode.NOERROR), real(q)))) {
      assertThat(recordList(await(patient(server).txt(STS)))).containsExactly(REAL);
      assertThat(server.count(Transport.UDP)).as("the first attempt got its answer").isEqualTo(1);
    }
  }

  @Test
  void aMessageWithQrZeroIsNotTakenForTheAnswer() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(
        (q, t) -> new Several(notAResponse(q, Rcode.NOERROR), real(q)))) {
      assertThat(recordList(await(patient(server).txt(STS)))).containsExactly(REAL);
      assertThat(server.count(Transport.UDP)).isEqualTo(1);
    }
  }

  @Test
  void aMessageWithQrZeroOverTcpIsAMalformedAnswer() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> notAResponse(q, Rcode.NOERROR))) {
      DnsjavaLookup lookup = DnsjavaLookup.builder().servers(server.hostPort()).executor(executor)
          .tcpOnly().build();

      failure(await(lookup.txt(STS)), DnsFailure.MALFORMED_ANSWER);
    }
  }

  @ParameterizedTest(name = "another {0}")
  @ValueSource(strings = {"name", "type", "class"})
  void anAnswerToAnotherQuestionIsIgnoredAndTheRealAnswerIsUsed(String what) throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(
        (q, t) -> new Several(otherQuestion(q, what, Rcode.NOERROR), real(q)))) {
      assertThat(recordList(await(patient(server).txt(STS)))).containsExactly(REAL);
      assertThat(server.count(Transport.UDP)).isEqualTo(1);
    }
  }

  @Test
  void aQuestionEchoedInAnotherLetterCaseStillMatches() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> {
      Message m = new Message(q.getHeader().getID());
      m.getHeader().setFlag(Flags.QR);
      m.addRecord(Record.newRecord(FakeZone.name(STS.toUpperCase(java.util.Locale.ROOT)), Type.TXT,
          DClass.IN), Section.QUESTION);
      m.addRecord(txt(STS, REAL), Section.ANSWER);
      return new Answer(m);
    })) {
      assertThat(recordList(await(patient(server).txt(STS)))).containsExactly(REAL);
    }
  }

  @Test
  void aDatagramFromAnotherPortIsIgnored() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> new Several(
        new FromElsewhere(new Answer(forged(q, Rcode.NOERROR))), real(q)))) {
      assertThat(recordList(await(patient(server).txt(STS)))).containsExactly(REAL);
    }
  }

  @Test
  void everyKindOfBogusDatagramInTurnStillLetsTheAnswerThrough() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> new Several(
        wrongId(q, Rcode.NXDOMAIN), notAResponse(q, Rcode.NXDOMAIN),
        otherQuestion(q, "name", Rcode.NXDOMAIN), new FromElsewhere(real(q)), real(q)))) {
      assertThat(recordList(await(patient(server).txt(STS)))).containsExactly(REAL);
    }
  }

  @Test
  void onlyBogusDatagramsEndInATimeoutNeverInNoSuchName() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start((q, t) -> new Several(
        wrongId(q, Rcode.NXDOMAIN), notAResponse(q, Rcode.NXDOMAIN),
        otherQuestion(q, "name", Rcode.NXDOMAIN),
        new FromElsewhere(new Answer(forged(q, Rcode.NXDOMAIN)))))) {
      DnsOutcome<String> outcome = await(impatient(server).txt(STS));

      failure(outcome, DnsFailure.TIMEOUT);
    }
  }

  @Test
  void theAnswerAfterAsManyBogusDatagramsAsTheBudgetAllowsIsUsed() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(
        (q, t) -> new Several(bogus(q, UdpTransport.MAX_MISMATCHED_DATAGRAMS, real(q))))) {
      assertThat(recordList(await(patient(server).txt(STS)))).containsExactly(REAL);
      assertThat(server.count(Transport.UDP)).isEqualTo(1);
    }
  }

  @Test
  void oneBogusDatagramOverTheBudgetFailsTheAttemptAsMalformedWithoutWaiting() throws Exception {
    try (FakeDnsServer server = FakeDnsServer.start(
        (q, t) -> new Several(bogus(q, UdpTransport.MAX_MISMATCHED_DATAGRAMS + 1, real(q))))) {
      DnsjavaLookup lookup = DnsjavaLookup.builder().servers(server.hostPort()).executor(executor)
          .queryTimeout(Duration.ofMinutes(10)).deadline(Duration.ofMinutes(20)).build();

      DnsOutcome.TemporaryFailure<?> f = failure(await(lookup.txt(STS)), DnsFailure.MALFORMED_ANSWER);
      assertThat(f.message()).contains("more than " + UdpTransport.MAX_MISMATCHED_DATAGRAMS);
      assertThat(server.count(Transport.UDP)).as("both attempts were made").isEqualTo(2);
    }
  }

  /** {@code count} datagrams with wrong IDs, then {@code last}. */
  private static List<Reply> bogus(Message q, int count, Reply last) {
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(wrongId(q, Rcode.NXDOMAIN));
    }
    replies.add(last);
    return replies;
  }
}
