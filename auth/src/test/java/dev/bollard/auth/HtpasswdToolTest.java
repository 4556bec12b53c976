package dev.bollard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fresh vectors from the installed {@code htpasswd} (Debian package {@code apache2-utils}), so a
 * new salt or tool version is exercised on every run; skipped where the tool is absent.
 */
class HtpasswdToolTest {

  // ASCII only: how the JVM encodes process arguments depends on the locale, and CI's may be
  // POSIX. Non-ASCII passwords are covered by the committed vectors.
  private static final String PASSWORD = "fresh pass:word " + System.nanoTime();

  @BeforeAll
  static void needsHtpasswd() {
    assumeThat(onPath("htpasswd")).as("htpasswd on PATH (apt-get install apache2-utils)").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-B", "-m", "-2", "-5", "-s"})
  void freshHashVerifiesThroughTheWholeStack(String flag) throws Exception {
    String line = htpasswd(flag, "alice", PASSWORD);
    CredentialSet set = Htpasswd.parse(line, "htpasswd " + flag);

    assertThat(set.problems()).isEmpty();
    assertThat(set.hashOf("alice").matches(PASSWORD.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(set.hashOf("alice").matches("wrong".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-d", "-p"})
  void freshUnsafeHashIsRefusedOnItsLine(String flag) throws Exception {
    String line = htpasswd(flag, "alice", "eightchr");
    CredentialSet set = Htpasswd.parse("# first\n" + line, "htpasswd " + flag);

    assertThat(set.users()).isEmpty();
    assertThat(set.problems()).singleElement().extracting(CredentialProblem::line).isEqualTo(2);
  }

  private static String htpasswd(String flag, String user, String password) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("htpasswd", "-nb" + flag.substring(1)));
    if (flag.equals("-B")) {
      command.addAll(List.of("-C", "5"));
    }
    command.addAll(List.of(user, password));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("htpasswd finished").isTrue();
    assertThat(process.exitValue()).as("htpasswd exit code for " + command).isZero();
    return out.strip();
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
