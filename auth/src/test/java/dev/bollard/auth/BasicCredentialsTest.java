package dev.bollard.auth;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasicCredentialsTest {

  static String basic(String userAndPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(UTF_8));
  }

  @Test
  void readsUserAndPasswordSplittingAtTheFirstColon() {
    BasicCredentials credentials = BasicCredentials.parse(basic("jürgen:pass:wörd"));

    assertThat(credentials.outcome()).isEqualTo(BasicCredentials.Outcome.PRESENT);
    assertThat(credentials.user()).isEqualTo("jürgen");
    assertThat(credentials.password()).isEqualTo("pass:wörd".getBytes(UTF_8));
  }

  @Test
  void schemeIsCaseInsensitiveAndWhitespaceTolerated() {
    String token = Base64.getEncoder().encodeToString("a:b".getBytes(UTF_8));

    assertThat(BasicCredentials.parse("bAsIc \t" + token + " ").user()).isEqualTo("a");
    // Unpadded base64 is what some clients send.
    assertThat(BasicCredentials.parse("Basic " + token.replace("=", "")).outcome())
        .isEqualTo(BasicCredentials.Outcome.PRESENT);
  }

  @Test
  void emptyPasswordIsPresent() {
    assertThat(BasicCredentials.parse(basic("a:")).password()).isEmpty();
  }

  @Test
  void passwordBytesAreKeptRaw() {
    // A Latin-1 client: the user is ASCII, the password is not UTF-8, and htpasswd hashes bytes.
    String header = "Basic " + Base64.getEncoder().encodeToString("a:é".getBytes(ISO_8859_1));

    assertThat(BasicCredentials.parse(header).password()).containsExactly(0xE9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer abc", "Digest username=\"a\"", "Basicx YTpi", ""})
  void otherSchemesAreMissingCredentials(String header) {
    assertThat(BasicCredentials.parse(header)).isSameAs(BasicCredentials.MISSING);
    assertThat(BasicCredentials.parse(null)).isSameAs(BasicCredentials.MISSING);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Basic",
      "Basic ",
      "Basic !!!!",
      "Basic YWJj", // "abc": no colon
      "Basic OmI=", // ":b": empty user
      "Basic /zpi", // 0xFF as user: not UTF-8
      "Basic YQFiOmM=", // "a\u0001b:c": control character in the user
      "Basic YTpi YTpi" // two tokens
  })
  void malformedBasicValuesAreRejected(String header) {
    assertThat(BasicCredentials.parse(header)).isSameAs(BasicCredentials.MALFORMED);
  }

  @Test
  void oversizedValueIsRejectedBeforeDecoding() {
    String header = basic("a:" + "x".repeat(BasicCredentials.MAX_HEADER_LENGTH));

    assertThat(BasicCredentials.parse(header)).isSameAs(BasicCredentials.MALFORMED);
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(BasicCredentials.parse(basic("alice:s3cret")).toString()).contains("alice").doesNotContain("s3cret");
  }
}
