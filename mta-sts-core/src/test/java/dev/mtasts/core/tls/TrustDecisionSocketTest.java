package dev.mtasts.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class TrustDecisionSocketTest {

  @Test
  void viewHidesOnlyTheEndpointIdentificationAlgorithm() throws Exception {
    // MXM-7, FET-15: a mail library's HTTPS identification (CN fallback) must not run in PKIX.
    try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket()) {
      SSLParameters p = socket.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      socket.setSSLParameters(p);

      TrustDecisionSocket view = new TrustDecisionSocket(socket);

      assertThat(view.getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
      assertThat(socket.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
      assertThat(view.getSSLParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
      assertThat(view.isConnected()).isEqualTo(socket.isConnected());
      assertThat(view.getUseClientMode()).isEqualTo(socket.getUseClientMode());
      assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(view::startHandshake);
      assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(view::close);
      assertThatExceptionOfType(UnsupportedOperationException.class)
          .isThrownBy(() -> view.setSSLParameters(new SSLParameters()));
    }
  }
}
