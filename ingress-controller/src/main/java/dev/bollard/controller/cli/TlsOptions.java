package dev.bollard.controller.cli;

import dev.bollard.acme.ChallengeType;
import dev.bollard.controller.certs.TlsConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The HTTPS listener's and ACME's flags. */
final class TlsOptions {

  @Option(
      names = "--https-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:8443",
      converter = Converters.AddressConverter.class,
      description = "HTTPS listener (SNI certificates from Ingress spec.tls Secrets)."
          + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_HTTPS_LISTEN.")
  InetSocketAddress httpsListen;

  @Option(
      names = "--https-redirect-port",
      paramLabel = "PORT",
      defaultValue = "443",
      description = "Port in HTTP-to-HTTPS redirects: where clients reach HTTPS (the Service port)."
          + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_HTTPS_REDIRECT_PORT.")
  int redirectPort;

  @Option(
      names = "--default-ssl-certificate",
      paramLabel = "NS/NAME",
      description = "kubernetes.io/tls Secret for hosts without a certificate of their own;"
          + " default: one generated at start. Env: BOLLARD_DEFAULT_SSL_CERTIFICATE.")
  @Nullable String defaultCertificate;

  @Option(
      names = "--acme-directory",
      paramLabel = "URL",
      description = "ACME directory URL; turns on certificates for tls-acme Ingresses."
          + " Env: BOLLARD_ACME_DIRECTORY or LEGO_URL.")
  @Nullable URI acmeDirectory;

  @Option(
      names = "--acme-email",
      paramLabel = "EMAIL",
      description = "ACME account contact. Env: BOLLARD_ACME_EMAIL or LEGO_EMAIL.")
  @Nullable String acmeEmail;

  @Option(
      names = "--acme-account-secret",
      paramLabel = "NS/NAME",
      description = "Secret holding the ACME account key (Kubernetes); default:"
          + " <namespace>/bollard-acme-account. Env: BOLLARD_ACME_ACCOUNT_SECRET.")
  @Nullable String acmeAccountSecret;

  @Option(
      names = "--acme-challenges-configmap",
      paramLabel = "NAME",
      defaultValue = "bollard-acme-challenges",
      description = "ConfigMap in the controller's namespace sharing pending challenges between"
          + " replicas. Default: ${DEFAULT-VALUE}. Env: BOLLARD_ACME_CHALLENGES_CONFIGMAP.")
  String challengesConfigMap;

  @Option(
      names = "--acme-dir",
      paramLabel = "DIR",
      description = "Standalone: directory for issued certificates and the account key."
          + " Env: BOLLARD_ACME_DIR.")
  @Nullable Path acmeDir;

  @Option(
      names = "--acme-renew-when-remaining",
      paramLabel = "FRACTION",
      defaultValue = "0.33",
      description = "Renew when this fraction of a certificate's lifetime remains."
          + " Default: ${DEFAULT-VALUE}. Env: BOLLARD_ACME_RENEW_WHEN_REMAINING.")
  double renewWhenRemaining;

  @Option(
      names = "--acme-challenge-types",
      paramLabel = "TYPE[,TYPE]",
      split = ",",
      converter = ChallengeTypeConverter.class,
      description = "ACME challenge types in order of preference: http-01 (plain listener, port 80),"
          + " tls-alpn-01 (HTTPS listener, port 443). Default: http-01,tls-alpn-01."
          + " Env: BOLLARD_ACME_CHALLENGE_TYPES.")
  List<ChallengeType> challengeTypes = new ArrayList<>();

  /** {@code http-01} or {@code tls-alpn-01}, as RFC 8555 and RFC 8737 spell them. */
  static final class ChallengeTypeConverter implements CommandLine.ITypeConverter<ChallengeType> {
    @Override
    public ChallengeType convert(String value) {
      String wanted = value.strip().toLowerCase(Locale.ROOT);
      return Arrays.stream(ChallengeType.values()).filter(t -> t.acmeName().equals(wanted))
          .findFirst().orElseThrow(() -> new CommandLine.TypeConversionException("'" + value
              + "' (expected: " + Arrays.stream(ChallengeType.values())
                  .map(ChallengeType::acmeName).collect(Collectors.joining(" or ")) + ")"));
    }
  }

  /**
   * The settings for standalone mode, where ACME keeps certificates and the account key in {@code
   * --acme-dir}.
   */
  TlsConfig toStandaloneConfig(CommandLine commandLine, String ownNamespace) {
    TlsConfig config = toConfig(commandLine, ownNamespace);
    if (config.acmeEnabled() && acmeDir == null) {
      throw new CommandLine.ParameterException(commandLine, "--acme-directory needs --acme-dir DIR"
          + " in standalone mode: the directory where certificates and the ACME account key are"
          + " kept (e.g. --acme-dir /var/lib/bollard/acme)");
    }
    return config;
  }

  TlsConfig toConfig(CommandLine commandLine, String ownNamespace) {
    if (redirectPort < 1 || redirectPort > 65535) {
      throw new CommandLine.ParameterException(commandLine,
          "--https-redirect-port " + redirectPort + " (expected: 1-65535)");
    }
    if (defaultCertificate != null && !defaultCertificate.matches("[^/]+/[^/]+")) {
      throw new CommandLine.ParameterException(commandLine, "--default-ssl-certificate "
          + defaultCertificate + ": expected NAMESPACE/NAME, e.g. ingress/default-tls");
    }
    if (!(renewWhenRemaining > 0 && renewWhenRemaining < 1)) {
      throw new CommandLine.ParameterException(commandLine,
          "--acme-renew-when-remaining " + renewWhenRemaining + " (expected: between 0 and 1)");
    }
    if (new LinkedHashSet<>(challengeTypes).size() != challengeTypes.size()) {
      throw new CommandLine.ParameterException(commandLine, "--acme-challenge-types "
          + challengeTypes.stream().map(ChallengeType::acmeName).collect(Collectors.joining(","))
          + " (expected: each type once)");
    }
    return new TlsConfig(httpsListen, redirectPort, defaultCertificate, acmeDirectory, acmeEmail,
        acmeAccountSecret != null ? acmeAccountSecret : ownNamespace + "/bollard-acme-account",
        challengesConfigMap, acmeDir, renewWhenRemaining, challengeTypes);
  }
}
