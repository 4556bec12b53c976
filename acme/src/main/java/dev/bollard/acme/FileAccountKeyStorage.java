package dev.bollard.acme;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The account key pair in one file. */
final class FileAccountKeyStorage implements AccountKeyStorage {
  private final Path file;

  FileAccountKeyStorage(Path file) {
    this.file = requireNonNull(file, "file");
  }

  @Override
  public Optional<String> load() throws IOException {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void store(String keyPairPem) throws IOException {
    Files2.writeAtomically(file, requireNonNull(keyPairPem, "keyPairPem"), true);
  }
}
