package dev.mtasts.testing;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * A server key manager whose certificate a test can replace while the server keeps running on
 * the same port: a certificate renewal or a rotation to a bad certificate between two
 * connections of one client. Give its {@link #serverContext()} to {@link PolicyHost} or
 * {@link TestSmtpServer}.
 *
 * <p>The server keeps its TLS session cache across a rotation, as a real server does: a client
 * that offers to resume an earlier session (a TLS 1.3 pre-shared key or a TLS 1.2 session id) is
 * resumed with the old session, its old certificate and no certificate message. That is what
 * lets a test show that a client does a full handshake, and so validates the certificate
 * presented now, on each connection (RFC 8446 §2.2: a resumed handshake authenticates with the
 * PSK, not with a certificate). {@link #fullHandshakes()} counts the full handshakes, in which
 * the server chose a certificate.
 *
 * <pre>{@code
 * RotatingKeyManager keys = RotatingKeyManager.presenting(pki.leaf().dnsNames(host).issue());
 * try (PolicyHost server = PolicyHost.start(keys.serverContext(), null, PolicyHost.policy())) {
 *   // connect ...
 *   keys.present(pki.leaf().dnsNames(host).issue());
 *   // connect again: a full handshake sees the new certificate
 * }
 * }</pre>
 */
public final class RotatingKeyManager extends X509ExtendedKeyManager {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Every credential presented so far; the alias of one is its index, so a handshake that
   * chose an alias before a rotation still gets that credential's chain and key together.
   */
  private final List<TestPki.Issued> credentials = new CopyOnWriteArrayList<>();
  private final AtomicInteger fullHandshakes = new AtomicInteger();
  private volatile int current;

  private RotatingKeyManager(TestPki.Issued first) {
    credentials.add(Objects.requireNonNull(first, "first"));
  }

  /**
   * Returns a key manager presenting {@code first} until {@link #present} replaces it.
   *
   * @param first the certificate and key presented first
   * @return the key manager
   */
  public static RotatingKeyManager presenting(TestPki.Issued first) {
    return new RotatingKeyManager(first);
  }

  /**
   * Presents {@code next} from the next full handshake on; a connection already established
   * keeps its certificate.
   *
   * @param next the certificate and key
   */
  public synchronized void present(TestPki.Issued next) {
    credentials.add(Objects.requireNonNull(next, "next"));
    current = credentials.size() - 1;
  }

  /**
   * Returns the credential the next full handshake presents.
   *
   * @return the current credential
   */
  public TestPki.Issued presented() {
    return credentials.get(current);
  }

  /**
   * Returns how many full handshakes chose a certificate so far; a resumed handshake does not.
   *
   * @return the count
   */
  public int fullHandshakes() {
    return fullHandshakes.get();
  }

  /**
   * Returns a new server context with this key manager and no trust manager (no client
   * certificates asked for). Each call builds a new context, with its own session cache.
   *
   * @return the context
   */
  public SSLContext serverContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {this}, null, RANDOM);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an SSL context", e);
    }
  }

  private @Nullable String choose(@Nullable String keyType) {
    int index = current;
    if (keyType == null || !keyType.equals(credentials.get(index).privateKey().getAlgorithm())) {
      return null;
    }
    fullHandshakes.incrementAndGet();
    return Integer.toString(index);
  }

  private TestPki.@Nullable Issued credential(@Nullable String alias) {
    if (alias == null) {
      return null;
    }
    try {
      int index = Integer.parseInt(alias);
      return index >= 0 && index < credentials.size() ? credentials.get(index) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
    int index = current;
    return keyType.equals(credentials.get(index).privateKey().getAlgorithm())
        ? new String[] {Integer.toString(index)} : null;
  }

  @Override
  public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
    return choose(keyType);
  }

  @Override
  public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
      @Nullable SSLEngine engine) {
    return choose(keyType);
  }

  @Override
  public X509Certificate @Nullable [] getCertificateChain(String alias) {
    TestPki.Issued c = credential(alias);
    return c == null ? null : c.chain();
  }

  @Override
  public @Nullable PrivateKey getPrivateKey(String alias) {
    TestPki.Issued c = credential(alias);
    return c == null ? null : c.privateKey();
  }

  @Override
  public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
    return null;
  }

  @Override
  public @Nullable String chooseClientAlias(String @Nullable [] keyType, Principal @Nullable [] issuers,
      @Nullable Socket socket) {
    return null;
  }
}
