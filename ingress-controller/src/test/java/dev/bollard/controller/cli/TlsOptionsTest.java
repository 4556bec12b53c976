package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.acme.ChallengeType;
import dev.bollard.controller.certs.TlsConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TlsOptionsTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void challengeTypesKeepTheOrderGiven() {
    TlsConfig config = parse(Map.of(), "--acme-challenge-types", "tls-alpn-01,http-01");

    assertThat(config.challengeTypes())
        .containsExactly(ChallengeType.TLS_ALPN_01, ChallengeType.HTTP_01);
  }

  @Test
  void challengeTypesComeFromTheEnvironmentAndDefaultToNone() {
    assertThat(parse(Map.of("BOLLARD_ACME_CHALLENGE_TYPES", "tls-alpn-01")).challengeTypes())
        .containsExactly(ChallengeType.TLS_ALPN_01);
    // Empty: the acme module's default order, HTTP-01 then TLS-ALPN-01.
    assertThat(parse(Map.of()).challengeTypes()).isEmpty();
  }

  @Test
  void anUnknownChallengeTypeIsAUsageErrorNamingTheKnownOnes() {
    int code = run("run", "--manifests", dir.toString(), "--acme-challenge-types", "dns-01");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--acme-challenge-types",
        "\"dns-01\" (expected: http-01 or tls-alpn-01)");
  }

  @Test
  void aRepeatedChallengeTypeIsAUsageError() {
    int code = run("run", "--manifests", dir.toString(), "--acme-directory",
        "https://ca.example/dir", "--acme-dir", dir.toString(), "--acme-challenge-types",
        "http-01,http-01");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--acme-challenge-types",
        "\"http-01,http-01\" (expected: each type once)");
  }

  @Test
  void standaloneAcmeWithoutAnAcmeDirIsAUsageErrorSayingWhatToAdd() {
    int code = run("run", "--manifests", dir.toString(), "--acme-directory",
        "https://ca.example/dir");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--acme-directory needs --acme-dir DIR in standalone mode");
  }

  @Test
  void acmeCaFileIsReadAtStart() throws Exception {
    Path pem = dir.resolve("ca.pem");
    java.security.cert.X509Certificate ca =
        dev.bollard.acme.testing.TestCertificates.ca("private ACME CA").certificate();
    java.nio.file.Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(ca.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    RunCommand command = new RunCommand();
    CommandLine cli = new CommandLine(command);
    cli.parseArgs("--acme-directory", "https://ca.example/dir", "--acme-ca-file",
        pem.toString());

    assertThat(command.tls.acmeTrust(cli)).containsExactly(ca);
  }

  @Test
  void anAcmeCaFileWithoutAnAcmeDirectoryIsAStartUpError() throws Exception {
    Path pem = dir.resolve("ca.pem");
    java.nio.file.Files.writeString(pem, "not read\n");
    int code = run("run", "--manifests", dir.toString(), "--acme-ca-file", pem.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--acme-ca-file " + pem
        + " has no effect without --acme-directory");
  }

  @Test
  void aMissingAcmeCaFileIsAStartUpErrorNamingTheFlagAndTheFile() {
    Path missing = dir.resolve("no-such-ca.pem");
    int code = run("run", "--manifests", dir.toString(), "--acme-directory",
        "https://ca.example/dir", "--acme-dir", dir.toString(), "--acme-ca-file",
        missing.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--acme-ca-file " + missing + ": no such file",
        "expected: a PEM file with the certificate of the CA");
  }

  @Test
  void anAcmeCaFileWithoutACertificateIsAStartUpError() throws Exception {
    Path notPem = dir.resolve("ca.pem");
    java.nio.file.Files.writeString(notPem, "not a certificate\n");
    int code = run("run", "--manifests", dir.toString(), "--acme-directory",
        "https://ca.example/dir", "--acme-dir", dir.toString(), "--acme-ca-file",
        notPem.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--acme-ca-file " + notPem + ":");
  }

  private TlsConfig parse(Map<String, String> env, String... args) {
    RunCommand command = new RunCommand();
    CommandLine cli = new CommandLine(command);
    cli.setDefaultValueProvider(new EnvironmentDefaults(env));
    cli.parseArgs(args);
    return command.tls.toConfig("ingress");
  }

  private int run(String... args) {
    return Main.execute(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
