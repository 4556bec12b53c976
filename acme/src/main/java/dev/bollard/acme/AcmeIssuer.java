package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.jspecify.annotations.Nullable;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeRetryAfterException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders certificates with acme4j: one order per call, each pending authorization answered with the
 * first challenge type of the preference list the CA offers, answers published through {@link
 * ChallengeTokens} and withdrawn afterwards. Not thread-safe by design: the manager calls it from
 * one thread under the lock.
 */
final class AcmeIssuer implements Issuer {
  private static final Logger log = LoggerFactory.getLogger(AcmeIssuer.class);

  private final AcmeSettings settings;
  private final AccountKeyStorage accountKeys;
  private final ChallengeTokens tokens;
  private @Nullable Login login;

  AcmeIssuer(AcmeSettings settings, AccountKeyStorage accountKeys, ChallengeTokens tokens) {
    this.settings = requireNonNull(settings, "settings");
    this.accountKeys = requireNonNull(accountKeys, "accountKeys");
    this.tokens = requireNonNull(tokens, "tokens");
  }

  @Override
  public CertificateBundle issue(
      String name, Set<String> hosts, @Nullable CertificateBundle replacing)
      throws IssuanceException {
    requireNonNull(name, "name");
    Set<String> normalised = Hosts.normalise(requireNonNull(hosts, "hosts"), "hosts of " + name);
    String what = name + " (" + Hosts.describe(normalised) + ")";
    try {
      Login account = login();
      Order order = createOrder(account, normalised, replacing);
      for (Authorization authorization : order.getAuthorizations()) {
        if (authorization.getStatus() != Status.VALID) {
          authorize(what, authorization);
        }
      }
      if (await(order, EnumSet.of(Status.READY, Status.VALID, Status.INVALID)) == Status.INVALID) {
        throw new IssuanceException(
            "order for " + what + " invalid: " + describe(order.getError()), null);
      }
      KeyPair domainKey =
          settings.keyType() == AcmeSettings.KeyType.EC_P256
              ? ecKey("secp256r1")
              : KeyPairUtils.createKeyPair(2048);
      order.execute(domainKey);
      if (await(order, EnumSet.of(Status.VALID, Status.INVALID)) != Status.VALID) {
        throw new IssuanceException(
            "finalizing " + what + " failed: " + describe(order.getError()), null);
      }
      var certificate = order.getCertificate();
      return CertificateBundle.of(certificate.getCertificateChain(), domainKey.getPrivate());
    } catch (AcmeRateLimitedException e) {
      throw new IssuanceException(
          "rate limited ordering " + what + ": " + describe(Optional.of(e.getProblem())),
          e.getRetryAfter().orElse(null),
          true,
          e);
    } catch (AcmeServerException e) {
      throw new IssuanceException(
          "CA refused " + what + ": " + describe(Optional.of(e.getProblem())), e);
    } catch (AcmeRetryAfterException e) {
      throw new IssuanceException(
          "CA asked to retry " + what + " later", e.getRetryAfter(), false, e);
    } catch (AcmeException | AcmeLazyLoadingException | AcmeProtocolException e) {
      throw new IssuanceException(
          "ordering " + what + " from " + settings.directory() + " failed: "
              + FailureCause.describe(e, settings.trustAdvice()),
          e);
    } catch (IOException e) {
      throw new IssuanceException(
          "account key storage failed while ordering " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IssuanceException("interrupted while ordering " + what, e);
    }
  }

  @Override
  public String fingerprint() {
    return settings.fingerprint();
  }

  @Override
  public Optional<RenewalWindow> renewalWindow(CertificateBundle certificate) {
    requireNonNull(certificate, "certificate");
    try {
      Login account = login();
      if (account.getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
        return Optional.empty();
      }
      var info = account.bindRenewalInfo(certificate.leaf());
      info.fetch();
      return Optional.of(
          new RenewalWindow(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd()));
    } catch (AcmeException | IOException | RuntimeException e) {
      log.debug("No renewal information for {}: {}", certificate.hosts(), e.toString());
      return Optional.empty();
    }
  }

  private Order createOrder(Login account, Set<String> hosts, @Nullable CertificateBundle replacing)
      throws AcmeException {
    if (replacing != null
        && account.getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isPresent()) {
      try {
        return account.newOrder().domains(hosts).replaces(replacing.leaf()).create();
      } catch (AcmeServerException e) {
        // The CA may not know the old certificate (issued elsewhere, or already replaced):
        // a plain order is still right.
        log.debug(
            "Order replacing {} refused ({}); ordering without 'replaces'", hosts, e.getMessage());
      }
    }
    return account.newOrder().domains(hosts).create();
  }

  private void authorize(String what, Authorization authorization)
      throws AcmeException, InterruptedException, IssuanceException {
    String host = authorization.getIdentifier().getDomain();
    for (ChallengeType type : settings.challengeTypes()) {
      if (type == ChallengeType.HTTP_01) {
        Optional<Http01Challenge> challenge = authorization.findChallenge(Http01Challenge.class);
        if (challenge.isPresent()) {
          String token = challenge.get().getToken();
          tokens.putHttp01(token, challenge.get().getAuthorization());
          try {
            validate(what, host, challenge.get());
          } finally {
            tokens.removeHttp01(token);
          }
          return;
        }
      } else {
        Optional<TlsAlpn01Challenge> challenge =
            authorization.findChallenge(TlsAlpn01Challenge.class);
        if (challenge.isPresent()) {
          // acme4j signs the challenge certificate with SHA256withRSA, whatever the key: RSA it is.
          KeyPair key = KeyPairUtils.createKeyPair(2048);
          var certificate = challenge.get().createCertificate(key, authorization.getIdentifier());
          tokens.putTlsAlpn01(host, TlsAlpnCertificate.of(certificate, key.getPrivate()));
          try {
            validate(what, host, challenge.get());
          } finally {
            tokens.removeTlsAlpn01(host);
          }
          return;
        }
      }
    }
    throw new IssuanceException(
        "CA offers none of "
            + settings.challengeTypes()
            + " for "
            + host
            + " of "
            + what
            + (authorization.isWildcard()
                ? " (wildcards need DNS-01, which Bollard does not answer)"
                : ""),
        null);
  }

  private void validate(String what, String host, Challenge challenge)
      throws AcmeException, InterruptedException, IssuanceException {
    log.info("Validating {} of {} by {}", host, what, challenge.getType());
    challenge.trigger();
    if (await(challenge, EnumSet.of(Status.VALID, Status.INVALID)) != Status.VALID) {
      throw new IssuanceException(
          challenge.getType()
              + " validation of "
              + host
              + " for "
              + what
              + " failed: "
              + describe(challenge.getError()),
          null);
    }
  }

  /**
   * Polls like acme4j's own wait, but with the configured interval, so tests need not wait 3 s per
   * step.
   */
  private Status await(PollableResource resource, Set<Status> done)
      throws AcmeException, InterruptedException, IssuanceException {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    while (!done.contains(resource.getStatus())) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new IssuanceException(
            "still " + resource.getStatus() + " after " + settings.timeout(), null);
      }
      Optional<Instant> retryAfter = resource.fetch();
      if (done.contains(resource.getStatus())) {
        break;
      }
      long waitMillis =
          retryAfter
              .map(at -> Duration.between(Instant.now(), at).toMillis())
              .orElse(settings.pollInterval().toMillis());
      Thread.sleep(Math.max(10, Math.min(waitMillis, Duration.ofNanos(remaining).toMillis())));
    }
    return resource.getStatus();
  }

  private Login login() throws AcmeException, IOException {
    Login current = login;
    if (current != null) {
      return current;
    }
    var session =
        settings.trustedCertificates().isEmpty()
            ? new Session(settings.directory())
            : new Session(
                settings.directory(), new TrustingAcmeProvider(settings.trustedCertificates()));
    var builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
    settings.contactEmail().ifPresent(builder::addEmail);
    current = builder.createLogin(session);
    log.info("Using ACME account {} at {}", current.getAccountLocation(), settings.directory());
    login = current;
    return current;
  }

  private KeyPair accountKey() throws IOException {
    Optional<String> stored = accountKeys.load();
    if (stored.isPresent()) {
      return readKeyPair(stored.get());
    }
    KeyPair key = ecKey("secp384r1");
    accountKeys.store(
        Pem.privateKey(key.getPrivate()) + Pem.encode("PUBLIC KEY", key.getPublic().getEncoded()));
    log.info("Generated a new ACME account key");
    return key;
  }

  /** Reads a PKCS#8 key with its public key, or the SEC1/PKCS#1 pair other ACME clients write. */
  private static KeyPair readKeyPair(String pem) throws IOException {
    var converter = new JcaPEMKeyConverter();
    @Nullable PrivateKey privateKey = null;
    @Nullable PublicKey publicKey = null;
    try (var parser = new PEMParser(new StringReader(pem))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair);
        } else if (object instanceof PrivateKeyInfo info) {
          privateKey = converter.getPrivateKey(info);
        } else if (object instanceof SubjectPublicKeyInfo info) {
          publicKey = converter.getPublicKey(info);
        }
      }
    }
    if (privateKey == null || publicKey == null) {
      throw new IOException(
          "account key: expected a PRIVATE KEY and a PUBLIC KEY PEM block (or an EC/RSA key"
              + " pair); delete it to have a new account created");
    }
    return new KeyPair(publicKey, privateKey);
  }

  /**
   * JDK key generation: acme4j's own asks for the BouncyCastle provider, which Bollard does not
   * register.
   */
  private static KeyPair ecKey(String curve) {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks EC curve " + curve, e);
    }
  }

  private static String describe(Optional<Problem> problem) {
    return problem
        .map(
            p ->
                p.getDetail().orElse(p.getType().toString())
                    + p.getSubProblems().stream()
                        .map(s -> "; " + s.getDetail().orElse(s.getType().toString()))
                        .reduce("", String::concat))
        .orElse("no detail from the CA");
  }
}
