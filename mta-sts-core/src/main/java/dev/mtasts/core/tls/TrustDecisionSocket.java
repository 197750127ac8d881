package dev.mtasts.core.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Objects;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A read-only view of the handshaking {@link SSLSocket} handed to the PKIX trust manager, the
 * socket twin of {@link TrustDecisionEngine}: the same socket in every respect that PKIX reads
 * (handshake session, stapled OCSP responses, algorithm constraints, peer, connected state)
 * except that its {@link SSLParameters} carry no endpoint identification algorithm.
 *
 * <p>Mail libraries may set the {@code HTTPS} algorithm (Angus Mail does with
 * {@code mail.smtp.ssl.checkserveridentity}), which makes the JDK's trust manager apply its own
 * host name rule, with a common-name fallback, before ours, and report a mismatch as a generic
 * failure. This view keeps that check out; {@link ServerCertificateCheck} applies the DNS-ID rule
 * itself. Every method that would change or drive the socket throws
 * {@link UnsupportedOperationException}.
 */
final class TrustDecisionSocket extends SSLSocket {
  private final SSLSocket socket;

  TrustDecisionSocket(SSLSocket socket) {
    this.socket = Objects.requireNonNull(socket, "socket");
  }

  @Override
  public SSLParameters getSSLParameters() {
    SSLParameters p = socket.getSSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    return p;
  }

  @Override
  public SSLSession getHandshakeSession() {
    return socket.getHandshakeSession();
  }

  @Override
  public SSLSession getSession() {
    return socket.getSession();
  }

  @Override
  public String getApplicationProtocol() {
    return socket.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return socket.getHandshakeApplicationProtocol();
  }

  @Override
  public boolean isConnected() {
    return socket.isConnected();
  }

  @Override
  public boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public InetAddress getInetAddress() {
    return socket.getInetAddress();
  }

  @Override
  public int getPort() {
    return socket.getPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return socket.getRemoteSocketAddress();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return socket.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return socket.getEnabledCipherSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return socket.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return socket.getEnabledProtocols();
  }

  @Override
  public boolean getUseClientMode() {
    return socket.getUseClientMode();
  }

  @Override
  public boolean getNeedClientAuth() {
    return socket.getNeedClientAuth();
  }

  @Override
  public boolean getWantClientAuth() {
    return socket.getWantClientAuth();
  }

  @Override
  public boolean getEnableSessionCreation() {
    return socket.getEnableSessionCreation();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    throw readOnly();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    throw readOnly();
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    throw readOnly();
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    throw readOnly();
  }

  @Override
  public void startHandshake() throws IOException {
    throw readOnly();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    throw readOnly();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    throw readOnly();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    throw readOnly();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    throw readOnly();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    throw readOnly();
  }

  @Override
  public synchronized void close() {
    throw readOnly();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("a view for trust decisions only");
  }
}
