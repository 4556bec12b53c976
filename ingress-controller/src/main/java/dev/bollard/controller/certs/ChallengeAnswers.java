package dev.bollard.controller.certs;

import dev.bollard.acme.ChallengeResponder;
import dev.bollard.acme.TlsAlpnCertificate;
import dev.bollard.proxy.guard.Http01Answers;
import dev.bollard.proxy.tls.CertifiedKey;
import dev.bollard.proxy.tls.TlsAlpnAnswers;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Adapts the acme module's {@link ChallengeResponder} to the proxy's two challenge seams. */
final class ChallengeAnswers {

  private ChallengeAnswers() {}

  static Http01Answers http01(ChallengeResponder responder) {
    return responder::http01;
  }

  static TlsAlpnAnswers tlsAlpn01(ChallengeResponder responder) {
    ConcurrentHashMap<TlsAlpnCertificate, CertifiedKey> converted = new ConcurrentHashMap<>();
    return host -> {
      Optional<TlsAlpnCertificate> challenge = responder.tlsAlpn01(host);
      if (challenge.isEmpty()) {
        converted.clear();
        return Optional.empty();
      }
      return Optional.of(converted.computeIfAbsent(challenge.get(),
          c -> CertifiedKey.of(c.privateKey(), c.certificate())));
    };
  }
}
