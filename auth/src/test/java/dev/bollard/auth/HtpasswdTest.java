package dev.bollard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtpasswdTest {

  private static final String SOURCE = "secret default/preview-auth key auth";
  private static final String BCRYPT_10 = "$2y$10$MddY38X55Fz.gPN.KXTyeOzbyVMEu/7dwpTDOXLfRFrh0mkRnmf62";
  private static final String APR1 = "$apr1$C5QgHLEY$5JOH27ATo4aWvDJqA3bZe0";
  private static final String SHA1 = "{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI=";

  @Test
  void refusedEntriesAreReportedWithLineNumbersAndTheRestWork() {
    CredentialSet set = Htpasswd.parse(Vectors.resource("mixed.htpasswd"), SOURCE);

    assertThat(set.users()).containsExactly("alice", "bob", "carol");
    assertThat(set.hashOf("alice").format()).isEqualTo(PasswordHash.Format.BCRYPT);
    assertThat(set.hashOf("bob").format()).isEqualTo(PasswordHash.Format.SHA512_CRYPT);
    assertThat(set.problems())
        .extracting(CredentialProblem::line, CredentialProblem::user)
        .containsExactly(
            tuple(6, "des"),
            tuple(7, "plain"),
            tuple(8, "md5crypt"),
            tuple(9, "yescrypt"),
            tuple(10, null),
            tuple(11, null),
            tuple(13, "alice"));
    assertThat(set.problems()).allSatisfy(p -> assertThat(p.source()).isEqualTo(SOURCE));
    assertThat(set.problems().get(0).toString())
        .isEqualTo(SOURCE + ", line 6, user \"des\": DES crypt is unsafe (only 8 password characters count)"
            + " and refused; re-create the entry with htpasswd -B (bcrypt)");
    assertThat(set.problems().get(6).reason()).contains("line 5");
    // A plain-text password must not leak into logs through a problem.
    assertThat(set.problems()).allSatisfy(p -> assertThat(p.toString()).doesNotContain("rounds matter"));
  }

  @Test
  void lineEndingsBomCommentsAndTrailingSpaceAreTolerated() {
    CredentialSet set = Htpasswd.parse("\uFEFF# team\r\nalice:" + APR1 + "  \r\n\r\n  bob:" + SHA1 + ":ops\r\n", SOURCE);

    assertThat(set.users()).containsExactly("alice", "bob");
    assertThat(set.problems()).isEmpty();
  }

  @Test
  void authMapReadsOneUserPerKey() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("zoe", APR1 + "\n");
    data.put("mallory", "hunter2");
    data.put("alice", BCRYPT_10);
    data.put("", SHA1);

    CredentialSet set = Htpasswd.fromAuthMap(data, "secret default/preview-users");

    assertThat(set.users()).containsExactly("alice", "zoe");
    assertThat(set.problems())
        .extracting(CredentialProblem::line, CredentialProblem::user)
        .containsExactly(tuple(0, null), tuple(0, "mallory"));
    assertThat(set.problems().get(1).toString())
        .startsWith("secret default/preview-users, user \"mallory\": not a recognised password hash");
  }

  @Test
  void fingerprintFollowsContentNotOrderOrSource() {
    CredentialSet file = Htpasswd.parse("alice:" + APR1 + "\nbob:" + SHA1 + "\n", "a");
    CredentialSet reordered = Htpasswd.parse("bob:" + SHA1 + "\n# note\nalice:" + APR1, "b");
    CredentialSet map = Htpasswd.fromAuthMap(Map.of("alice", APR1, "bob", SHA1), "c");
    CredentialSet changed = Htpasswd.parse("alice:" + BCRYPT_10 + "\nbob:" + SHA1 + "\n", "a");
    CredentialSet renamed = Htpasswd.parse("alicia:" + APR1 + "\nbob:" + SHA1 + "\n", "a");

    assertThat(reordered.fingerprint()).isEqualTo(file.fingerprint()).isEqualTo(map.fingerprint());
    assertThat(changed.fingerprint()).isNotEqualTo(file.fingerprint());
    assertThat(renamed.fingerprint()).isNotEqualTo(file.fingerprint());
    assertThat(file).isNotEqualTo(reordered); // another source
    assertThat(Htpasswd.parse("bob:" + SHA1 + "\nalice:" + APR1, "a")).isEqualTo(file).hasSameHashCodeAs(file);
  }

  @Test
  void decoyIsTheMostCommonKindThenTheCostliest() {
    CredentialSet mostlyApr1 = Htpasswd.parse(
        "a:" + APR1 + "\nb:$apr1$oDm/nZ/6$HGdAkOGpImi093dFiIMUX/\nc:" + BCRYPT_10, SOURCE);
    CredentialSet tie = Htpasswd.parse("a:" + APR1 + "\nc:" + BCRYPT_10, SOURCE);

    assertThat(mostlyApr1.decoy().format()).isEqualTo(PasswordHash.Format.APR1);
    assertThat(tie.decoy()).isEqualTo(tie.hashOf("c"));
    assertThat(Htpasswd.parse("# nobody\n", SOURCE).decoy()).isNull();
  }

  @Test
  void toStringNamesCountsNotHashes() {
    CredentialSet set = Htpasswd.parse("alice:" + APR1 + "\nbob:plain", SOURCE);

    assertThat(set.toString()).contains(SOURCE, "1 users", "1 problems").doesNotContain("apr1", "plain");
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> Htpasswd.parse("a:" + SHA1, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sourceName: blank (expected: where the credentials came from)");
    assertThatThrownBy(() -> new CredentialProblem("s", -1, null, "r"))
        .hasMessage("line: -1 (expected: >= 0)");
  }
}
