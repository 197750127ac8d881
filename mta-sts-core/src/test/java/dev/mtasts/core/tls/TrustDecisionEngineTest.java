package dev.mtasts.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class TrustDecisionEngineTest {

  @Test
  void viewHidesOnlyTheEndpointIdentificationAlgorithm() throws Exception {
    // FET-15: the JDK's HTTPS identification (with its CN fallback) must not run in PKIX.
    SSLEngine engine = SSLContext.getDefault().createSSLEngine("mta-sts.example.test", 443);
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    engine.setSSLParameters(p);

    TrustDecisionEngine view = new TrustDecisionEngine(engine);

    assertThat(view.getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
    assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(view.getSSLParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(view.getPeerHost()).isEqualTo("mta-sts.example.test");
    assertThat(view.getPeerPort()).isEqualTo(443);
    assertThat(view.getUseClientMode()).isTrue();
    assertThat(view.getHandshakeSession()).isEqualTo(engine.getHandshakeSession());
    assertThat(view.getEnabledProtocols()).containsExactly(engine.getEnabledProtocols());
  }

  @Test
  void viewCannotDriveOrChangeTheEngine() throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine("mta-sts.example.test", 443);
    TrustDecisionEngine view = new TrustDecisionEngine(engine);
    assertThatExceptionOfType(UnsupportedOperationException.class)
        .isThrownBy(() -> view.wrap(ByteBuffer.allocate(1), ByteBuffer.allocate(100)));
    assertThatExceptionOfType(UnsupportedOperationException.class)
        .isThrownBy(() -> view.setSSLParameters(new SSLParameters()));
    assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(view::beginHandshake);
    assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(view::closeOutbound);
  }
}
