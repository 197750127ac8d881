package dev.mtasts.dns.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;

/**
 * The resolver of one server over UDP, through {@link UdpTransport} (which ignores datagrams that
 * do not answer the query, RFC 5452 §9.1), falling back to TCP through dnsjava's resolver when the
 * answer is truncated (RFC 7766 §5).
 *
 * <p>Each attempt goes out with a fresh random ID (RFC 5452 §9.2), also when dnsjava's
 * {@code ExtendedResolver} retries the same query; the answer handed up carries the caller's ID.
 */
public final class UdpResolver extends ForwardingResolver {
  private static final int ID_RANGE = 0x1_0000;

  private final InetSocketAddress server;
  private final UdpTransport transport;
  private final Duration timeout;
  private final int ednsPayloadSize;
  private final int ednsFlags;
  private final SecureRandom random = new SecureRandom();

  /**
   * Creates the resolver.
   *
   * @param server the server's address
   * @param tcp dnsjava's resolver of the same server, set to TCP, for truncated answers
   * @param transport the UDP transport
   * @param timeout how long one UDP exchange may wait for its answer
   * @param ednsPayloadSize the UDP payload size announced with EDNS(0)
   * @param ednsFlags the EDNS(0) flags of a query sent without an OPT record ({@code DO} to ask
   *     for DNSSEC signatures, RFC 3225 §3)
   */
  public UdpResolver(InetSocketAddress server, Resolver tcp, UdpTransport transport,
      Duration timeout, int ednsPayloadSize, int ednsFlags) {
    super(tcp);
    this.server = server;
    this.transport = transport;
    this.timeout = timeout;
    this.ednsPayloadSize = ednsPayloadSize;
    this.ednsFlags = ednsFlags;
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    Message attempt = query.clone();
    attempt.getHeader().setID(random.nextInt(ID_RANGE));
    if (attempt.getOPT() == null) {
      attempt.addRecord(new OPTRecord(ednsPayloadSize, 0, 0, ednsFlags), Section.ADDITIONAL);
    }
    CompletableFuture<byte[]> raw = transport.exchange(server, attempt.getHeader().getID(),
        attempt.getHeader().getOpcode(), attempt.getQuestion(), attempt.toWire(), timeout);
    CompletableFuture<Message> result = raw.thenComposeAsync(bytes -> {
      Message answer;
      try {
        answer = new Message(bytes);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
      if (answer.getHeader().getFlag(Flags.TC)) {
        return delegate.sendAsync(query, executor);
      }
      answer.getHeader().setID(query.getHeader().getID());
      return CompletableFuture.completedFuture(answer);
    }, executor);
    // Whoever gives up on the result (the query timer) releases the socket too.
    result.whenComplete((answer, error) -> raw.cancel(false));
    return result;
  }
}
