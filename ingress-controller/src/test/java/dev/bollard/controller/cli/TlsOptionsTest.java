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
