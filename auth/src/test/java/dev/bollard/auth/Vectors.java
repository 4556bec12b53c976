package dev.bollard.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** The committed hash vectors of {@code vectors.tsv}, made by real tools. */
final class Vectors {

  /** One line: the format label, the password, the hash and the command that made it. */
  record Vector(String format, String password, String hash, String command) {
    boolean refused() {
      return format.startsWith("refused-");
    }

    @Override
    public String toString() {
      return format + " by `" + command + "` for \"" + password + "\"";
    }
  }

  private Vectors() {}

  static String resource(String name) {
    try (InputStream in = Vectors.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Vector> all() {
    return resource("vectors.tsv").lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("\t", -1))
        .map(f -> new Vector(f[0], f[1], f[2], f[3]))
        .collect(Collectors.toList());
  }

  static List<Vector> accepted() {
    return all().stream().filter(v -> !v.refused()).collect(Collectors.toList());
  }

  static List<Vector> refused() {
    return all().stream().filter(Vector::refused).collect(Collectors.toList());
  }
}
