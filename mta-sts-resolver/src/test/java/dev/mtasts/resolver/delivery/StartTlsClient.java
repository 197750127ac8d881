package dev.mtasts.resolver.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** Just enough of an SMTP client to reach a STARTTLS handshake, as an MTA would. */
final class StartTlsClient {
  private StartTlsClient() {}

  /** Connects to 127.0.0.1:port, negotiates STARTTLS with SNI = host, and returns the session. */
  static SSLSession handshake(int port, String host, SSLContext tls) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      plain.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = plain.getOutputStream();
      expect(in, "220");
      out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
      String line;
      do {
        line = in.readLine();
      } while (line != null && line.startsWith("250-"));
      out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      expect(in, "220");
      try (SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, 25, false)) {
        ssl.startHandshake();
        SSLSession session = ssl.getSession();
        ssl.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        return session;
      }
    }
  }

  private static void expect(BufferedReader in, String code) throws IOException {
    String line = in.readLine();
    if (line == null || !line.startsWith(code)) {
      throw new IOException("expected " + code + ", got " + line);
    }
  }
}
