package dev.mtasts.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

class LookupGateTest {

  @Test
  void closedGateSendsNothingAndReportsTimeout() throws Exception { // SEC-8
    CountingResolver counting = new CountingResolver();
    LookupGate gate = new LookupGate(counting);
    Message query = Message.newQuery(Record.newRecord(Name.fromString("a.example."), Type.TXT,
        DClass.IN));

    gate.sendAsync(query, Runnable::run);
    gate.close();
    CompletableFuture<Message> refused = gate.sendAsync(query, Runnable::run).toCompletableFuture();

    assertThat(counting.sent.get()).isEqualTo(1);
    Throwable error = refused.handle((m, e) -> e).get();
    assertThat(error).isInstanceOfSatisfying(LookupFailure.class,
        f -> assertThat(f.reason()).isEqualTo(DnsFailure.TIMEOUT));
  }

  /** Counts queries and answers none. */
  private static final class CountingResolver implements Resolver {
    final AtomicInteger sent = new AtomicInteger();

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
      sent.incrementAndGet();
      return new CompletableFuture<>();
    }

    @Override
    public void setPort(int port) {}

    @Override
    public void setTCP(boolean flag) {}

    @Override
    public void setIgnoreTruncation(boolean flag) {}

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

    @Override
    public void setTSIGKey(TSIG key) {}

    @Override
    public void setTimeout(Duration timeout) {}
  }
}
