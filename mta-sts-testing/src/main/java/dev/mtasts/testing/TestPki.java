package dev.mtasts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A throw-away certificate authority for tests: a root CA and leaf certificates with exactly the
 * names and validity a test needs (valid, expired, not yet valid, self-signed, wrong host, CN
 * only, wildcard).
 *
 * <p>JSSE validates against the real time of the JVM, so validity periods are relative to the
 * system clock at issue time; a test that moves time with a {@link ManualClock} validates at that
 * time with {@link #trustManager(InstantSource)}.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create();
 * TestPki.Issued mx = pki.leaf().dnsNames("mx.example.test").issue();
 * SSLContext server = mx.serverContext();
 * X509ExtendedTrustManager clientTrust = pki.trustManager();
 * }</pre>
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xFFFFFFFFL);

  private final KeyPair caKeys;
  private final X509Certificate caCertificate;

  private TestPki(KeyPair caKeys, X509Certificate caCertificate) {
    this.caKeys = caKeys;
    this.caCertificate = caCertificate;
  }

  /**
   * Creates a new root CA named {@code CN=mta-sts Test Root CA}, valid from a day ago for ten
   * years.
   *
   * @return the PKI
   */
  public static TestPki create() {
    return create("mta-sts Test Root CA");
  }

  /**
   * Creates a new root CA with the given common name.
   *
   * @param caName the CA's common name
   * @return the PKI
   */
  public static TestPki create(String caName) {
    KeyPair keys = newKeyPair();
    X500Name name = new X500Name("CN=" + caName);
    Instant now = Instant.now();
    X509Certificate ca = sign(name, keys.getPrivate(), name, keys, now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(3650)), true, List.of(), null);
    return new TestPki(keys, ca);
  }

  /**
   * Returns the root CA certificate.
   *
   * @return the CA certificate
   */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /**
   * Returns the root CA certificate in PEM, for a {@code --ca-file}, Postfix's
   * {@code smtp_tls_CAfile} or OpenSSL's {@code SSL_CERT_FILE}.
   *
   * @return the PEM text
   */
  public String caPem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCertificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts describing a leaf certificate issued by this CA.
   *
   * @return a builder; by default valid from a day ago for 90 days, no names
   */
  public LeafBuilder leaf() {
    return new LeafBuilder();
  }

  /**
   * Returns a trust store holding only this CA.
   *
   * @return a PKCS #12 key store in memory
   */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", caCertificate);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  /**
   * Returns a PKIX trust manager trusting only this CA, validating at the real time.
   *
   * @return the trust manager
   */
  public X509ExtendedTrustManager trustManager() {
    return pkix(null);
  }

  /**
   * Returns a PKIX trust manager trusting only this CA that validates every chain at the time
   * {@code at} reads at that check, for tests that move time (a {@link ManualClock} over days or
   * months): a certificate whose notAfter the clock has passed fails the real JSSE handshake (or
   * the real PKIX check) with the JDK's own {@link java.security.cert.CertificateExpiredException},
   * one whose notBefore it has not reached with
   * {@link java.security.cert.CertificateNotYetValidException}, as it would in production on that
   * day (RFC 5280 §6.1.3 (a)(2): the validity period is checked at the validation time; RFC 8461
   * §3.3 and §4.2 use the ordinary PKIX validation).
   *
   * <p>Each check builds the JDK's own PKIX trust manager ({@link TrustManagerFactory}
   * {@code PKIX} with {@link CertPathTrustManagerParameters}) whose
   * {@link PKIXBuilderParameters#setDate(Date) date} is {@code at.instant()}, revocation off (the
   * test CA publishes none), and hands it the check: nothing of path validation is reimplemented.
   * Endpoint identification, when the socket or engine asks for it, is the JDK's as well.
   *
   * @param at the clock of the test, read at each check
   * @return the trust manager
   */
  public X509ExtendedTrustManager trustManager(InstantSource at) {
    return new AtTimeTrustManager(Objects.requireNonNull(at, "at"));
  }

  /** The JDK's PKIX trust manager over this CA, at the real time or at {@code at}. */
  private X509ExtendedTrustManager pkix(@Nullable Instant at) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      if (at == null) {
        tmf.init(trustStore());
      } else {
        PKIXBuilderParameters params = new PKIXBuilderParameters(Set.of(new TrustAnchor(caCertificate, null)),
            new X509CertSelector());
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        tmf.init(new CertPathTrustManagerParameters(params));
      }
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509ExtendedTrustManager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }

  /** Delegates each check to a JDK PKIX trust manager built for the instant of that check. */
  private final class AtTimeTrustManager extends X509ExtendedTrustManager {
    private final InstantSource at;

    AtTimeTrustManager(InstantSource at) {
      this.at = at;
    }

    private X509ExtendedTrustManager now() {
      return pkix(at.instant());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      now().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      now().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      now().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      now().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      now().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      now().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[] {caCertificate};
    }
  }

  /**
   * Returns a client SSL context trusting only this CA, with the JDK's standard host name checks.
   *
   * @return the context
   */
  public SSLContext clientContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trustManager()}, RANDOM);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build an SSL context", e);
    }
  }

  /**
   * Describes one leaf certificate.
   */
  public final class LeafBuilder {
    private final List<String> dnsNames = new ArrayList<>();
    private @Nullable String commonName;
    private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(90));
    private boolean selfSigned;

    private LeafBuilder() {}

    /**
     * Adds DNS-ID subject alternative names.
     *
     * @param names names such as {@code mx.example.test} or {@code *.example.test}
     * @return this builder
     */
    public LeafBuilder dnsNames(String... names) {
      dnsNames.addAll(List.of(names));
      return this;
    }

    /**
     * Sets the subject common name (by default the first DNS name, or {@code test}).
     *
     * @param cn the common name
     * @return this builder
     */
    public LeafBuilder commonName(String cn) {
      this.commonName = Objects.requireNonNull(cn, "cn");
      return this;
    }

    /**
     * Sets the validity period.
     *
     * @param from not before
     * @param until not after
     * @return this builder
     */
    public LeafBuilder validity(Instant from, Instant until) {
      this.notBefore = Objects.requireNonNull(from, "from");
      this.notAfter = Objects.requireNonNull(until, "until");
      return this;
    }

    /**
     * Makes the certificate expired: valid from 60 days ago until yesterday.
     *
     * @return this builder
     */
    public LeafBuilder expired() {
      Instant now = Instant.now();
      return validity(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)));
    }

    /**
     * Makes the certificate not yet valid: valid from tomorrow for 90 days.
     *
     * @return this builder
     */
    public LeafBuilder notYetValid() {
      Instant now = Instant.now();
      return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(91)));
    }

    /**
     * Makes the certificate sign itself instead of being issued by the CA.
     *
     * @return this builder
     */
    public LeafBuilder selfSigned() {
      this.selfSigned = true;
      return this;
    }

    /**
     * Issues the certificate.
     *
     * @return the key and the chain (leaf, then CA unless self-signed)
     */
    public Issued issue() {
      KeyPair keys = newKeyPair();
      String cn = commonName != null ? commonName : dnsNames.isEmpty() ? "test" : dnsNames.get(0);
      X500Name subject = new X500Name("CN=" + cn);
      if (selfSigned) {
        X509Certificate cert = sign(subject, keys.getPrivate(), subject, keys, notBefore, notAfter, false,
            dnsNames, null);
        return new Issued(keys.getPrivate(), new X509Certificate[] {cert});
      }
      X509Certificate cert = sign(new X500Name(caCertificate.getSubjectX500Principal().getName()),
          caKeys.getPrivate(), subject, keys, notBefore, notAfter, false, dnsNames, caCertificate);
      return new Issued(keys.getPrivate(), new X509Certificate[] {cert, caCertificate});
    }
  }

  /**
   * An issued certificate with its private key.
   */
  public static final class Issued {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    Issued(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    /**
     * Returns the private key.
     *
     * @return the key
     */
    public PrivateKey privateKey() {
      return key;
    }

    /**
     * Returns the chain, leaf first.
     *
     * @return a copy of the chain
     */
    public X509Certificate[] chain() {
      return chain.clone();
    }

    /**
     * Returns the leaf certificate.
     *
     * @return the leaf
     */
    public X509Certificate certificate() {
      return chain[0];
    }

    /**
     * Returns the password of {@link #keyStore()} and its key entry.
     *
     * @return {@code changeit}, a fresh copy
     */
    public char[] password() {
      return "changeit".toCharArray();
    }

    /**
     * Returns a key store holding the key and chain under the alias {@code server}, password
     * {@code changeit}.
     *
     * @return the key store
     */
    public KeyStore keyStore() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, "changeit".toCharArray(), chain);
        return ks;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build a key store", e);
      }
    }

    /**
     * Returns key managers presenting this certificate.
     *
     * @return the key managers
     */
    public KeyManager[] keyManagers() {
      try {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), "changeit".toCharArray());
        return kmf.getKeyManagers();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot build key managers", e);
      }
    }

    /**
     * Returns a server SSL context presenting this certificate.
     *
     * @return the context
     */
    public SSLContext serverContext() {
      try {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(), null, RANDOM);
        return ctx;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot build an SSL context", e);
      }
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return kpg.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC key generation is unavailable", e);
    }
  }

  private static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, X500Name subject, KeyPair subjectKeys,
      Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames, @Nullable X509Certificate issuerCert) {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
          subjectKeys.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
      if (issuerCert != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCert));
      }
      if (ca) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      }
      if (!dnsNames.isEmpty()) {
        GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
            .toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
