package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Challenge answers in two concurrent maps; lookups never block. */
final class InMemoryChallengeTokens implements ChallengeTokens {
  private final ConcurrentHashMap<String, String> http01 = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TlsAlpnCertificate> tlsAlpn01 = new ConcurrentHashMap<>();

  @Override
  public Optional<String> http01(String token) {
    return Optional.ofNullable(http01.get(requireNonNull(token, "token")));
  }

  @Override
  public Optional<TlsAlpnCertificate> tlsAlpn01(String host) {
    return Optional.ofNullable(
        tlsAlpn01.get(requireNonNull(host, "host").toLowerCase(Locale.ROOT)));
  }

  @Override
  public void putHttp01(String token, String keyAuthorization) {
    http01.put(
        requireNonNull(token, "token"), requireNonNull(keyAuthorization, "keyAuthorization"));
  }

  @Override
  public void removeHttp01(String token) {
    http01.remove(requireNonNull(token, "token"));
  }

  @Override
  public void putTlsAlpn01(String host, TlsAlpnCertificate certificate) {
    tlsAlpn01.put(
        requireNonNull(host, "host").toLowerCase(Locale.ROOT),
        requireNonNull(certificate, "certificate"));
  }

  @Override
  public void removeTlsAlpn01(String host) {
    tlsAlpn01.remove(requireNonNull(host, "host").toLowerCase(Locale.ROOT));
  }
}
