package dev.mtasts.tlsrpt.internal;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts every server certificate, including the host name check (an
 * {@link X509ExtendedTrustManager} is responsible for endpoint identification itself). Only for
 * report delivery, which RFC 8460 §3 allows to ignore certificate errors (RPT-25).
 */
public final class TrustAllTrustManager extends X509ExtendedTrustManager {

  /** Creates the trust manager. */
  public TrustAllTrustManager() {
    // Nothing to set up.
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    throw new UnsupportedOperationException("client authentication is not supported");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    throw new UnsupportedOperationException("client authentication is not supported");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    throw new UnsupportedOperationException("client authentication is not supported");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // Any certificate is accepted (RPT-25).
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // Any certificate is accepted (RPT-25).
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    // Any certificate is accepted (RPT-25).
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
