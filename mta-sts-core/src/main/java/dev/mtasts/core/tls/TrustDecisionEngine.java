package dev.mtasts.core.tls;

import java.nio.ByteBuffer;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A read-only view of the handshaking {@link SSLEngine} handed to the PKIX trust manager: it is
 * the same engine in every respect (handshake session, stapled OCSP responses, algorithm
 * constraints, peer) except that its {@link SSLParameters} carry no endpoint identification
 * algorithm.
 *
 * <p>{@code java.net.http.HttpClient} always sets the {@code HTTPS} algorithm, which makes the
 * JDK's trust manager check the host name with a common-name fallback and partial wildcards
 * (FET-15). This view keeps that check out while PKIX runs exactly as JSSE would otherwise run
 * it; {@link ServerCertificateCheck} then applies the DNS-ID-only rule itself. Every method that
 * would change or drive the engine throws {@link UnsupportedOperationException}.
 */
final class TrustDecisionEngine extends SSLEngine {
  private final SSLEngine engine;

  TrustDecisionEngine(SSLEngine engine) {
    super(engine.getPeerHost(), engine.getPeerPort());
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  @Override
  public SSLParameters getSSLParameters() {
    SSLParameters p = engine.getSSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    return p;
  }

  @Override
  public SSLSession getHandshakeSession() {
    return engine.getHandshakeSession();
  }

  @Override
  public SSLSession getSession() {
    return engine.getSession();
  }

  @Override
  public String getApplicationProtocol() {
    return engine.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return engine.getHandshakeApplicationProtocol();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return engine.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return engine.getEnabledCipherSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return engine.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return engine.getEnabledProtocols();
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return engine.getHandshakeStatus();
  }

  @Override
  public boolean getUseClientMode() {
    return engine.getUseClientMode();
  }

  @Override
  public boolean getNeedClientAuth() {
    return engine.getNeedClientAuth();
  }

  @Override
  public boolean getWantClientAuth() {
    return engine.getWantClientAuth();
  }

  @Override
  public boolean getEnableSessionCreation() {
    return engine.getEnableSessionCreation();
  }

  @Override
  public boolean isInboundDone() {
    return engine.isInboundDone();
  }

  @Override
  public boolean isOutboundDone() {
    return engine.isOutboundDone();
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
    throw readOnly();
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
    throw readOnly();
  }

  @Override
  public Runnable getDelegatedTask() {
    throw readOnly();
  }

  @Override
  public void closeInbound() {
    throw readOnly();
  }

  @Override
  public void closeOutbound() {
    throw readOnly();
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
  public void beginHandshake() {
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

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("a view for trust decisions only");
  }
}
