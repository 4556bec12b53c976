package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A certificate's DN never breaks the upstream head. */
class ClientCertificateHeaderTest {

  @Test
  void controlAndNonAsciiCharactersAreEscapedAsOpenSslDoes() {
    assertThat(ClientCertificate.headerSafe("CN=alice,O=Example")).isEqualTo("CN=alice,O=Example");
    assertThat(ClientCertificate.headerSafe("CN=a\r\nX-Injected: 1"))
        .isEqualTo("CN=a\\0D\\0AX-Injected: 1");
    assertThat(ClientCertificate.headerSafe("CN=Zoë")).isEqualTo("CN=Zo\\C3\\AB");
  }
}
