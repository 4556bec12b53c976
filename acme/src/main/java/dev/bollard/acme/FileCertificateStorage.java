package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Certificates as files in one directory: {@code <name>.pem} holds the private key followed by the
 * chain (one file, so one atomic move replaces both), {@code <name>.state} the {@link RenewalState}
 * as properties. Names are URL-encoded, so {@code namespace/name} becomes {@code namespace%2Fname}.
 */
final class FileCertificateStorage implements CertificateStorage {
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \\1-----\\s*", Pattern.DOTALL);

  private final Path directory;

  FileCertificateStorage(Path directory) {
    this.directory = requireNonNull(directory, "directory");
  }

  @Override
  public Optional<StoredCertificate> load(String name) throws IOException {
    @Nullable String pem = readIfExists(file(name, ".pem"));
    @Nullable String state = readIfExists(file(name, ".state"));
    if (pem == null && state == null) {
      return Optional.empty();
    }
    @Nullable CertificateBundle bundle = null;
    if (pem != null) {
      try {
        bundle = parseCombined(pem);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            file(name, ".pem")
                + ": "
                + e.getMessage()
                + " (delete the file to have the certificate ordered again)",
            e);
      }
    }
    return Optional.of(
        new StoredCertificate(bundle, state == null ? RenewalState.NONE : parseState(name, state)));
  }

  @Override
  public void storeCertificate(String name, CertificateBundle bundle, RenewalState renewal)
      throws IOException {
    requireNonNull(bundle, "bundle");
    requireNonNull(renewal, "renewal");
    Files2.writeAtomically(file(name, ".pem"), bundle.privateKeyPem() + bundle.chainPem(), true);
    Files2.writeAtomically(file(name, ".state"), formatState(renewal), false);
  }

  @Override
  public void storeAttempt(String name, RenewalState renewal) throws IOException {
    requireNonNull(renewal, "renewal");
    Files2.writeAtomically(file(name, ".state"), formatState(renewal), false);
  }

  @Override
  public String location(String name) {
    return file(name, ".pem").toString();
  }

  private Path file(String name, String suffix) {
    requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: blank (expected: a certificate name)");
    }
    return directory.resolve(URLEncoder.encode(name, StandardCharsets.UTF_8) + suffix);
  }

  private static @Nullable String readIfExists(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static CertificateBundle parseCombined(String pem) {
    var key = new StringBuilder();
    var chain = new StringBuilder();
    Matcher matcher = PEM_BLOCK.matcher(pem);
    while (matcher.find()) {
      String block = matcher.group().strip() + "\n";
      (matcher.group(1).endsWith("PRIVATE KEY") ? key : chain).append(block);
    }
    return CertificateBundle.parse(chain.toString(), key.toString());
  }

  private static String formatState(RenewalState renewal) {
    var properties = new Properties();
    if (renewal.lastAttempt() != null) {
      properties.setProperty("lastAttempt", renewal.lastAttempt().toString());
    }
    properties.setProperty("failures", Integer.toString(renewal.failures()));
    if (renewal.nextAttempt() != null) {
      properties.setProperty("nextAttempt", renewal.nextAttempt().toString());
    }
    if (renewal.lastError() != null) {
      properties.setProperty("lastError", renewal.lastError());
    }
    if (!renewal.fingerprint().isEmpty()) {
      properties.setProperty("fingerprint", renewal.fingerprint());
    }
    var out = new StringWriter();
    try {
      properties.store(out, "Bollard ACME order history; nextAttempt is when ordering may resume");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private RenewalState parseState(String name, String text) throws IOException {
    var properties = new Properties();
    properties.load(new StringReader(text));
    try {
      return new RenewalState(
          instant(properties.getProperty("lastAttempt")),
          Integer.parseInt(properties.getProperty("failures", "0")),
          instant(properties.getProperty("nextAttempt")),
          properties.getProperty("lastError"),
          properties.getProperty("fingerprint", ""));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IOException(
          file(name, ".state")
              + ": "
              + e.getMessage()
              + " (expected: ISO-8601 instants and a failure count; delete the file to reset)",
          e);
    }
  }

  private static @Nullable Instant instant(@Nullable String value) {
    return value == null ? null : Instant.parse(value);
  }
}
