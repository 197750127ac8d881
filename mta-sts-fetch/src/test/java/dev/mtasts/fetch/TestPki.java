package dev.mtasts.fetch;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
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

/**
 * A throw-away PKI for tests: a root CA and end-entity certificates for policy hosts, generated
 * at test time with BouncyCastle (EC P-256 keys, SHA-256 signatures), never written to disk.
 *
 * <p>Self-contained (BouncyCastle and the JDK only) so that a published test-support module can
 * take it over as it is.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create("mta-sts test root");
 * TestPki.Credential host = pki.issue(TestPki.CertSpec.dns("mta-sts.example.test"));
 * SSLContext server = host.serverContext();
 * X509TrustManager client = pki.trustManager();
 * }</pre>
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffffffffL);
  private static final char[] PASSWORD = "changeit".toCharArray();

  private final InstantSource clock;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;

  private TestPki(InstantSource clock, KeyPair caKeys, X509Certificate caCertificate) {
    this.clock = clock;
    this.caKeys = caKeys;
    this.caCertificate = caCertificate;
  }

  /**
   * Creates a root CA valid from a day ago for ten years, by the system clock.
   *
   * @param commonName the root's common name
   * @return the PKI
   */
  public static TestPki create(String commonName) {
    return create(commonName, InstantSource.system());
  }

  /**
   * Creates a root CA valid from a day before {@code clock}'s now for ten years.
   *
   * @param commonName the root's common name
   * @param clock what "now" is for every validity period this PKI issues
   * @return the PKI
   */
  public static TestPki create(String commonName, InstantSource clock) {
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    X500Principal name = new X500Principal("CN=" + commonName + ",O=mta-sts tests");
    X509Certificate ca = sign(name, keys, name, keys, now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(3650)), true, List.of());
    return new TestPki(clock, keys, ca);
  }

  /**
   * Returns the root certificate.
   *
   * @return the self-signed CA certificate
   */
  public X509Certificate root() {
    return caCertificate;
  }

  /**
   * Issues an end-entity certificate signed by this root.
   *
   * @param spec the names and validity
   * @return the key and the chain (leaf, root)
   */
  public Credential issue(CertSpec spec) {
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    X509Certificate leaf = sign(spec.subject(), keys, caCertificate.getSubjectX500Principal(), caKeys,
        now.plus(spec.notBeforeOffset()), now.plus(spec.notAfterOffset()), false, spec.dnsNames());
    return new Credential(keys.getPrivate(), List.of(leaf, caCertificate));
  }

  /**
   * Creates a self-signed end-entity certificate that no root vouches for.
   *
   * @param spec the names and validity
   * @return the key and the one-certificate chain
   */
  public Credential selfSigned(CertSpec spec) {
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    X509Certificate leaf = sign(spec.subject(), keys, spec.subject(), keys,
        now.plus(spec.notBeforeOffset()), now.plus(spec.notAfterOffset()), false, spec.dnsNames());
    return new Credential(keys.getPrivate(), List.of(leaf));
  }

  /**
   * Returns a PKIX trust manager that trusts this root only.
   *
   * @return the JDK's trust manager over a key store holding the root
   */
  public X509TrustManager trustManager() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("root", caCertificate);
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(ks);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509TrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns a client TLS context that trusts this root, with the JDK's own trust manager (and
   * so the JDK's own host name check).
   *
   * @return an initialized context
   */
  public SSLContext clientContext() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {trustManager()}, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What goes into an end-entity certificate. Validity is given relative to the PKI's clock.
   *
   * @param subject the subject name
   * @param dnsNames the {@code dNSName} subject alternative names; empty for no SAN extension
   * @param notBeforeOffset start of validity relative to now
   * @param notAfterOffset end of validity relative to now
   */
  public record CertSpec(X500Principal subject, List<String> dnsNames, Duration notBeforeOffset,
      Duration notAfterOffset) {

    /**
     * Copies the names.
     *
     * @param subject the {@code subject} component
     * @param dnsNames the {@code dnsNames} component
     * @param notBeforeOffset the {@code notBeforeOffset} component
     * @param notAfterOffset the {@code notAfterOffset} component
     */
    public CertSpec {
      Objects.requireNonNull(subject, "subject");
      dnsNames = List.copyOf(dnsNames);
      if (notAfterOffset.compareTo(notBeforeOffset) <= 0) {
        throw new IllegalArgumentException("empty validity period");
      }
    }

    /**
     * A certificate for these DNS names, the first also as common name, valid from an hour ago
     * for 90 days.
     *
     * @param names the DNS-IDs
     * @return the spec
     */
    public static CertSpec dns(String... names) {
      return new CertSpec(new X500Principal("CN=" + names[0] + ",O=mta-sts tests"), List.of(names),
          Duration.ofHours(-1), Duration.ofDays(90));
    }

    /**
     * A certificate whose only name is the subject common name: no SAN extension at all.
     *
     * @param commonName the common name
     * @return the spec
     */
    public static CertSpec commonNameOnly(String commonName) {
      return new CertSpec(new X500Principal("CN=" + commonName + ",O=mta-sts tests"), List.of(),
          Duration.ofHours(-1), Duration.ofDays(90));
    }

    /**
     * Returns this spec with another validity period.
     *
     * @param notBefore start relative to now
     * @param notAfter end relative to now
     * @return the new spec
     */
    public CertSpec validity(Duration notBefore, Duration notAfter) {
      return new CertSpec(subject, dnsNames, notBefore, notAfter);
    }

    /**
     * Returns this spec expired: valid from 90 days ago until yesterday.
     *
     * @return the new spec
     */
    public CertSpec expired() {
      return validity(Duration.ofDays(-90), Duration.ofDays(-1));
    }

    /**
     * Returns this spec not yet valid: valid from tomorrow for 90 days.
     *
     * @return the new spec
     */
    public CertSpec notYetValid() {
      return validity(Duration.ofDays(1), Duration.ofDays(91));
    }
  }

  /**
   * A private key and its chain, leaf first.
   *
   * @param key the leaf's private key
   * @param chain the chain, leaf first
   */
  public record Credential(PrivateKey key, List<X509Certificate> chain) {

    /**
     * Copies the chain.
     *
     * @param key the {@code key} component
     * @param chain the {@code chain} component
     */
    public Credential {
      Objects.requireNonNull(key, "key");
      chain = List.copyOf(chain);
    }

    /**
     * Returns the end-entity certificate.
     *
     * @return the first certificate of the chain
     */
    public X509Certificate leaf() {
      return chain.get(0);
    }

    /**
     * Returns a PKCS#12 key store holding the key and chain under alias {@code "server"}.
     *
     * @return the key store; its password is {@link #password()}
     */
    public KeyStore keyStore() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, PASSWORD, chain.toArray(X509Certificate[]::new));
        return ks;
      } catch (GeneralSecurityException | java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Returns the key store password.
     *
     * @return a copy of the password
     */
    public char[] password() {
      return PASSWORD.clone();
    }

    /**
     * Returns a server TLS context presenting this credential.
     *
     * @return an initialized context
     */
    public SSLContext serverContext() {
      try {
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(keyStore(), PASSWORD);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(f.getKeyManagers(), null, null);
        return c;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X500Principal subject, KeyPair subjectKeys, X500Principal issuer,
      KeyPair issuerKeys, Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
          subject, subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
      if (ca) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      }
      if (!dnsNames.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String n : dnsNames) {
          names.add(new GeneralName(GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
