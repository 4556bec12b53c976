package dev.bollard.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

  static List<Vectors.Vector> accepted() {
    return Vectors.accepted();
  }

  static List<Vectors.Vector> refused() {
    return Vectors.refused();
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void toolMadeHashMatchesItsPasswordOnly(Vectors.Vector vector) throws Exception {
    PasswordHash hash = PasswordHash.parse(vector.hash());

    assertThat(hash.matches(vector.password().getBytes(UTF_8))).isTrue();
    assertThat(hash.matches((vector.password() + "!").getBytes(UTF_8))).isFalse();
    assertThat(hash.matches(new byte[0])).isFalse();
  }

  @Test
  void everyAcceptedFormatIsCoveredByVectors() {
    assertThat(accepted()).extracting(Vectors.Vector::format)
        .contains("bcrypt-2a", "bcrypt-2b", "bcrypt-2y", "apr1", "sha256-crypt", "sha512-crypt", "sha1", "ssha");
  }

  @Test
  void formatAndCostAreRead() throws Exception {
    assertThat(PasswordHash.parse("$2y$10$MddY38X55Fz.gPN.KXTyeOzbyVMEu/7dwpTDOXLfRFrh0mkRnmf62"))
        .extracting(PasswordHash::format, PasswordHash::cost)
        .containsExactly(PasswordHash.Format.BCRYPT, 10);
    assertThat(PasswordHash.parse("$5$rounds=12000$B2wnRLRes5D9gymi$Q/zi/tFpGITxOzwNUG2ADMk4zXGx6yPLBMrPS76Gs26"))
        .extracting(PasswordHash::format, PasswordHash::cost)
        .containsExactly(PasswordHash.Format.SHA256_CRYPT, 12000);
    assertThat(PasswordHash.parse("$6$saltsaltsaltsalt$ChE7zRWTp6plVJrnWPhQJ5HGhW8lLYjNrnhq7KqDXbb6i0F42l5eXWr4/KTkM9KD8VH56iSipXCT..g1CfWO6."))
        .extracting(PasswordHash::format, PasswordHash::cost)
        .containsExactly(PasswordHash.Format.SHA512_CRYPT, 5000);
  }

  @ParameterizedTest
  @MethodSource("refused")
  void unsafeFormatsAreRefusedWithoutEchoingTheHash(Vectors.Vector vector) {
    assertThatThrownBy(() -> PasswordHash.parse(vector.hash()))
        .isInstanceOf(PasswordHash.UnsupportedHashException.class)
        .message()
        .doesNotContain(vector.hash())
        .doesNotContain(vector.password());
  }

  @Test
  void refusalsSayWhatToDo() {
    assertThatThrownBy(() -> PasswordHash.parse("kN1vCuqU7h4Uk")).hasMessageContaining("DES crypt");
    assertThatThrownBy(() -> PasswordHash.parse("$1$/HecCVZL$RCEnEw8kyjxweTZIymq.F1")).hasMessageContaining("$1$");
    assertThatThrownBy(() -> PasswordHash.parse("hunter2")).hasMessageContaining("plain-text");
    assertThatThrownBy(() -> PasswordHash.parse("$argon2id$v=19$m=65536$abc")).hasMessageContaining("$argon2id$");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "$2x$05$me1cTTF53VMkPpiCxvtYuOAoh3CyLjGkkn/Ps7LxUF5eVp03BRkga", // buggy-variant marker
      "$2y$03$me1cTTF53VMkPpiCxvtYuOAoh3CyLjGkkn/Ps7LxUF5eVp03BRkga", // cost too low
      "$2y$18$me1cTTF53VMkPpiCxvtYuOAoh3CyLjGkkn/Ps7LxUF5eVp03BRkga", // cost too high
      "$2y$05$me1cTTF53VMkPpiCxvtYuOAoh3CyLjGkkn/Ps7LxUF5eVp03BRkg", // truncated
      "$apr1$C5QgHLEY$5JOH27ATo4aWvDJqA3bZe", // truncated
      "$5$rounds=99999999$B2wnRLRes5D9gymi$Q/zi/tFpGITxOzwNUG2ADMk4zXGx6yPLBMrPS76Gs26", // rounds
      "$6$saltsaltsaltsalt$ChE7zRWTp6plVJrnWPhQJ5HGhW8lLYjNr", // truncated
      "{SHA}EfatjsUqKYSrqv18O1FlA3hc", // 18 bytes
      "{SHA}not base64!",
      "{SSHA}EfatjsUqKYSrqv18O1FlA3hcIHI=", // no salt
      ""
  })
  void malformedHashesAreRefused(String encoded) {
    assertThatThrownBy(() -> PasswordHash.parse(encoded))
        .isInstanceOf(PasswordHash.UnsupportedHashException.class);
  }

  @Test
  void matchesDoesNotWipeTheCallersPassword() throws Exception {
    // commons-codec clears the key bytes it is given; the cache still needs them afterwards.
    byte[] password = "x".getBytes(UTF_8);
    PasswordHash.parse("$5$ETJWHNlK5l58TWXk$S4ihmeo/v6GXR.BFzB/Kqxvxw9c.L.pVntAeRFDjOm7").matches(password);
    PasswordHash.parse("$apr1$C5QgHLEY$5JOH27ATo4aWvDJqA3bZe0").matches(password);
    PasswordHash.parse("$2y$05$me1cTTF53VMkPpiCxvtYuOAoh3CyLjGkkn/Ps7LxUF5eVp03BRkga").matches(password);

    assertThat(password).containsExactly('x');
  }

  @Test
  void toStringHidesTheHash() throws Exception {
    assertThat(PasswordHash.parse("{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI=").toString()).doesNotContain("Efat");
  }
}
