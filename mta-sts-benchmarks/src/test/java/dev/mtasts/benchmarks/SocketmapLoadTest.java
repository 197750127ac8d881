package dev.mtasts.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The socketmap load generator counts what a server really answered (not a timed test). */
class SocketmapLoadTest {

  @Test
  void aRequestIsOneNetstringOfNameAndKey() {
    assertThat(new String(SocketmapClient.request("postfix", "d1.bench.test"), StandardCharsets.US_ASCII))
        .isEqualTo("21:postfix d1.bench.test,");
  }

  @Test
  void percentilesAreTheUpperEdgesOfTheirMicrosecondBuckets() {
    long[] h = new long[SocketmapLoad.BUCKETS + 1];
    h[9] = 98; // 98 lookups took 9 to 10 µs
    h[499] = 1; // one took 499 to 500 µs
    h[SocketmapLoad.BUCKETS] = 1; // one took over 100 ms
    assertThat(SocketmapLoad.percentile(h, 0.50)).isEqualTo(10);
    assertThat(SocketmapLoad.percentile(h, 0.99)).isEqualTo(500);
    assertThat(SocketmapLoad.micros(SocketmapLoad.percentile(h, 0.999))).isEqualTo("> 100 ms");
  }

  @Test
  void pipelinedLookupsAreCountedInOrderAndAnythingButOkIsAnError() throws Exception {
    byte[][] requests = new byte[10][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = SocketmapClient.request(SocketmapLoad.MAP_NAME, BenchDomains.domain(i));
    }
    AtomicInteger answered = new AtomicInteger();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> serve(listener, answered), "fake-socketmap");
      server.setDaemon(true);
      server.start();
      SocketmapLoad.Stats s = SocketmapLoad.drive((InetSocketAddress) listener.getLocalSocketAddress(), requests,
          2, 3, 0, 0, true);
      assertThat(s.replies).isEqualTo(10);
      assertThat(answered.get()).isEqualTo(10);
      // d3 and d7 answer NOTFOUND: errors for a load run over cached enforce policies.
      assertThat(s.errors).isEqualTo(2);
      assertThat(s.firstError).isEqualTo("NOTFOUND ");
      assertThat(java.util.Arrays.stream(s.histogram).sum()).isEqualTo(10);
    }
  }

  /** Answers each request {@code postfix dN...}: NOTFOUND when N is 3 or 7, else OK secure. */
  private static void serve(ServerSocket listener, AtomicInteger answered) {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        Thread t = new Thread(() -> {
          try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
              int length = 0;
              int c;
              while ((c = in.read()) != ':') {
                if (c < 0) {
                  return;
                }
                length = length * 10 + (c - '0');
              }
              String request = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
              in.read(); // the comma
              char n = request.charAt("postfix d".length());
              String reply = n == '3' || n == '7' ? "NOTFOUND " : "OK secure match=mx1";
              out.write((reply.length() + ":" + reply + ",").getBytes(StandardCharsets.US_ASCII));
              out.flush();
              answered.incrementAndGet();
            }
          } catch (IOException e) {
            // the client closed the connection
          }
        });
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // the listener was closed
      }
    }
  }
}
