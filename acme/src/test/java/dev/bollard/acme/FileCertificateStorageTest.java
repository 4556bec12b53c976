package dev.bollard.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.acme.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCertificateStorageTest {
  @TempDir Path dir;

  private final TestCertificates.Issued ca = TestCertificates.ca("storage CA");
  private final Instant now = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void roundTripsCertificateAndHistoryUnderANamespacedName() throws IOException {
    var storage = CertificateStorage.directory(dir.resolve("certs"));
    var leaf = TestCertificates.leaf(ca, now, now.plus(Duration.ofDays(90)), "www.example.com");
    var bundle =
        CertificateBundle.parse(leaf.certificatePem() + ca.certificatePem(), leaf.privateKeyPem());

    assertThat(storage.load("shop/www-tls")).isEmpty();
    storage.storeCertificate("shop/www-tls", bundle, RenewalState.succeeded(now));

    StoredCertificate stored = storage.load("shop/www-tls").orElseThrow();
    assertThat(stored.bundle()).isEqualTo(bundle);
    assertThat(stored.bundle().hosts()).containsExactly("www.example.com");
    assertThat(stored.renewal()).isEqualTo(RenewalState.succeeded(now));
    assertThat(dir.resolve("certs"))
        .isDirectoryContaining(path -> path.getFileName().toString().equals("shop%2Fwww-tls.pem"));
  }

  @Test
  void recordingAnAttemptKeepsTheCertificate() throws IOException {
    var storage = CertificateStorage.directory(dir);
    var leaf = TestCertificates.leaf(ca, now, now.plus(Duration.ofDays(90)), "www.example.com");
    var bundle = CertificateBundle.parse(leaf.certificatePem(), leaf.privateKeyPem());
    storage.storeCertificate("web", bundle, RenewalState.succeeded(now));

    var failed =
        RenewalState.succeeded(now).failed(now, now.plusSeconds(300), "validation failed: a=b\nc");
    storage.storeAttempt("web", failed);

    StoredCertificate stored = storage.load("web").orElseThrow();
    assertThat(stored.bundle()).isEqualTo(bundle);
    assertThat(stored.renewal()).isEqualTo(failed);
  }

  @Test
  void keepsHistoryWithoutACertificate() throws IOException {
    var storage = CertificateStorage.directory(dir);
    var failed =
        RenewalState.NONE.forIssuer("sha256:0123").failed(now, now.plusSeconds(300), "rate limited");
    storage.storeAttempt("new", failed);

    assertThat(storage.load("new")).contains(new StoredCertificate(null, failed));
  }

  @Test
  void reportsABrokenFileByName() throws IOException {
    var storage = CertificateStorage.directory(dir);
    Files.writeString(dir.resolve("broken.pem"), "not pem");

    assertThatThrownBy(() -> storage.load("broken"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("broken.pem")
        .hasMessageContaining("delete the file");
  }
}
