package dev.bollard.controller.cli;

import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.SettingValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The HTTPS listener's and ACME's settings, from the catalog's flags ({@link Catalog#HTTPS_LISTEN}
 * to {@link Catalog#ACME_CHALLENGE_TYPES}; each value is checked by its setting's parser), checked
 * together here.
 */
final class TlsOptions {

  private final Supplier<SettingValues> flags;

  /** @param flags the parsed flags, read when a config is asked for */
  TlsOptions(Supplier<SettingValues> flags) {
    this.flags = flags;
  }

  /**
   * The settings for standalone mode, where ACME keeps certificates and the account key in {@code
   * --acme-dir}.
   */
  TlsConfig toStandaloneConfig(CommandLine commandLine, String ownNamespace) {
    TlsConfig config = toConfig(ownNamespace);
    if (config.acmeEnabled() && config.acmeDir() == null) {
      throw new CommandLine.ParameterException(commandLine, "--acme-directory needs --acme-dir DIR"
          + " in standalone mode: the directory where certificates and the ACME account key are"
          + " kept (e.g. --acme-dir /var/lib/bollard/acme)");
    }
    return config;
  }

  /**
   * The certificates of {@code --acme-ca-file}, to trust for the ACME server besides the JVM's
   * roots; empty without the flag.
   *
   * @throws CommandLine.ParameterException if the file is missing, unreadable or holds no
   *     certificate, or no {@code --acme-directory} is given (the message names the flag and the
   *     file)
   */
  List<X509Certificate> acmeTrust(CommandLine commandLine) {
    Path file = flags.get().orNull(Catalog.ACME_CA_FILE);
    if (file == null) {
      return List.of();
    }
    if (flags.get().orNull(Catalog.ACME_DIRECTORY) == null) {
      throw new CommandLine.ParameterException(commandLine, "--acme-ca-file " + file
          + " has no effect without --acme-directory URL: it is the CA Bollard trusts for the ACME"
          + " server; give the ACME directory too, or drop --acme-ca-file");
    }
    String expected = " (expected: a PEM file with the certificate of the CA that signed the ACME"
        + " server's HTTPS certificate)";
    if (!Files.isRegularFile(file)) {
      throw new CommandLine.ParameterException(
          commandLine, "--acme-ca-file " + file + ": no such file" + expected);
    }
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new CommandLine.ParameterException(
            commandLine, "--acme-ca-file " + file + ": no certificate in it" + expected);
      }
      return List.copyOf(certificates);
    } catch (IOException | CertificateException e) {
      throw new CommandLine.ParameterException(commandLine,
          "--acme-ca-file " + file + ": cannot read certificates: " + e.getMessage() + expected);
    }
  }

  /** The settings; {@code ownNamespace} is where the ACME account Secret defaults to. */
  TlsConfig toConfig(String ownNamespace) {
    SettingValues v = flags.get();
    String accountSecret = v.orNull(Catalog.ACME_ACCOUNT_SECRET);
    Path acmeDir = v.orNull(Catalog.ACME_DIR);
    return new TlsConfig(v.get(Catalog.HTTPS_LISTEN), v.get(Catalog.HTTPS_REDIRECT_PORT),
        v.orNull(Catalog.DEFAULT_SSL_CERTIFICATE), v.orNull(Catalog.ACME_DIRECTORY),
        v.orNull(Catalog.ACME_EMAIL),
        accountSecret != null ? accountSecret : ownNamespace + "/bollard-acme-account",
        v.get(Catalog.ACME_CHALLENGES_CONFIGMAP), acmeDir,
        v.get(Catalog.ACME_RENEW_WHEN_REMAINING), v.get(Catalog.ACME_CHALLENGE_TYPES));
  }
}
