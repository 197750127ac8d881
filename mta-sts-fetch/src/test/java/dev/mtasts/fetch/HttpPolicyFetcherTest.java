package dev.mtasts.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.testing.TestPki;
import java.net.ProxySelector;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

class HttpPolicyFetcherTest {

  @Test
  void defaultsFollowRfc8461() {
    // FET-10: 1 minute and 64 KiB suggested; FET-9: text/plain required by default
    HttpPolicyFetcher f = HttpPolicyFetcher.create();
    assertThat(f.deadline()).isEqualTo(Duration.ofMinutes(1));
    assertThat(f.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(f.maxBodyBytes()).isEqualTo(MtaStsPolicy.MAX_BODY_BYTES).isEqualTo(65536);
    assertThat(f.contentTypeMode()).isEqualTo(ContentTypeMode.REQUIRE);
    assertThat(f.userAgent()).isEqualTo(HttpPolicyFetcher.defaultUserAgent());
  }

  @Test
  void defaultUserAgentNamesTheLibraryAndTheBuiltVersion() {
    String version = System.getProperty("mtasts.expected.version");
    assertThat(version).as("set by the build").isNotBlank();
    assertThat(HttpPolicyFetcher.defaultUserAgent()).isEqualTo("mta-sts-java/" + version);
  }

  @Test
  void onlyTls12AndLaterAreEnabledEvenWhenTheContextSupportsOlderVersions() throws Exception {
    // FET-14
    SSLContext legacy = SSLContext.getInstance("TLS");
    legacy.init(null, null, null);
    assertThat(legacy.getSupportedSSLParameters().getProtocols()).contains("TLSv1", "TLSv1.1");

    for (HttpPolicyFetcher f : new HttpPolicyFetcher[] {HttpPolicyFetcher.create(),
        HttpPolicyFetcher.builder().sslContext(legacy).build()}) {
      assertThat(f.tlsProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }
  }

  @Test
  void contextWithoutTls12OrLaterIsRefused() {
    // FET-14: a context (here a stub provider) that supports only TLS 1.1
    SSLContext tls11Only = new SSLContext(new SSLContextSpi() {
      @Override
      protected SSLParameters engineGetSupportedSSLParameters() {
        return new SSLParameters(new String[0], new String[] {"TLSv1.1", "TLSv1"});
      }

      @Override
      protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {}

      @Override
      protected SSLSocketFactory engineGetSocketFactory() {
        throw new UnsupportedOperationException("not needed by these tests");
      }

      @Override
      protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw new UnsupportedOperationException("not needed by these tests");
      }

      @Override
      protected SSLEngine engineCreateSSLEngine() {
        throw new UnsupportedOperationException("not needed by these tests");
      }

      @Override
      protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw new UnsupportedOperationException("not needed by these tests");
      }

      @Override
      protected SSLSessionContext engineGetServerSessionContext() {
        throw new UnsupportedOperationException("not needed by these tests");
      }

      @Override
      protected SSLSessionContext engineGetClientSessionContext() {
        throw new UnsupportedOperationException("not needed by these tests");
      }
    }, null, "TLSv1.1") { };
    assertThatIllegalArgumentException().isThrownBy(() -> HttpPolicyFetcher.builder().sslContext(tls11Only))
        .withMessageContaining("TLS 1.2");
  }

  @Test
  void eachOptionCanBeSetOnlyOnce() {
    HttpPolicyFetcher.Builder b = HttpPolicyFetcher.builder()
        .connectTimeout(Duration.ofSeconds(1))
        .deadline(Duration.ofSeconds(5))
        .maxBodyBytes(100)
        .contentTypeMode(ContentTypeMode.WARN)
        .userAgent("x/1")
        .clock(InstantSource.system())
        .executor(Runnable::run)
        .proxy(ProxySelector.of(null))
        .addressResolver(host -> CompletableFuture.completedFuture(List.of()));
    assertThatIllegalStateException().isThrownBy(() -> b.connectTimeout(Duration.ofSeconds(2)))
        .withMessageContaining("connectTimeout").withMessageContaining("1 second");
    assertThatIllegalStateException().isThrownBy(() -> b.deadline(Duration.ofSeconds(2)));
    assertThatIllegalStateException().isThrownBy(() -> b.maxBodyBytes(10)).withMessageContaining("100");
    assertThatIllegalStateException().isThrownBy(() -> b.contentTypeMode(ContentTypeMode.REQUIRE));
    assertThatIllegalStateException().isThrownBy(() -> b.userAgent("y/2"));
    assertThatIllegalStateException().isThrownBy(() -> b.clock(InstantSource.system()));
    assertThatIllegalStateException().isThrownBy(() -> b.executor(Runnable::run));
    assertThatIllegalStateException().isThrownBy(() -> b.proxy(ProxySelector.of(null)));
    assertThatIllegalStateException().isThrownBy(() -> b.addressResolver(AddressResolver.system(Runnable::run)));

    HttpPolicyFetcher f = b.build();
    assertThat(f.deadline()).isEqualTo(Duration.ofSeconds(5));
    assertThat(f.maxBodyBytes()).isEqualTo(100);
    assertThat(f.contentTypeMode()).isEqualTo(ContentTypeMode.WARN);
    assertThat(f.userAgent()).isEqualTo("x/1");
    assertThat(f.toString()).contains("PT5S").contains("maxBodyBytes=100");
  }

  @Test
  void trustManagerAndSslContextExcludeEachOther() throws Exception {
    TestPki pki = TestPki.create("builder test root");
    assertThatIllegalStateException().isThrownBy(() -> HttpPolicyFetcher.builder()
        .trustManager(pki.trustManager()).sslContext(pki.clientContext()));
    assertThatIllegalStateException().isThrownBy(() -> HttpPolicyFetcher.builder()
        .sslContext(pki.clientContext()).trustManager(pki.trustManager()));
  }

  @Test
  void badValuesAreRefusedAtOnce() {
    HttpPolicyFetcher.Builder b = HttpPolicyFetcher.builder();
    assertThatIllegalArgumentException().isThrownBy(() -> b.deadline(Duration.ZERO));
    assertThatIllegalArgumentException().isThrownBy(() -> b.connectTimeout(Duration.ofMillis(-1)));
    assertThatIllegalArgumentException().isThrownBy(() -> b.maxBodyBytes(0));
    assertThatIllegalArgumentException().isThrownBy(() -> b.maxBodyBytes(MtaStsPolicy.MAX_BODY_BYTES + 1));
    assertThatIllegalArgumentException().isThrownBy(() -> b.userAgent(" "));
    assertThatIllegalArgumentException().isThrownBy(() -> b.userAgent("x/1\r\nX-Injected: 1"));
    assertThatIllegalArgumentException().isThrownBy(() -> b.userAgent("caf\u00e9/1"));
    assertThatNullPointerException().isThrownBy(() -> b.proxy(null));
    assertThatNullPointerException().isThrownBy(() -> b.addressResolver(null));
    assertThatNullPointerException().isThrownBy(() -> HttpPolicyFetcher.create().fetch(null));
    // Nothing was set by the refused calls.
    assertThat(b.deadline(Duration.ofSeconds(1)).maxBodyBytes(1).build().maxBodyBytes()).isEqualTo(1);
  }
}
