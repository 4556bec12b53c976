package dev.bollard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The users and password hashes of one realm, read from an htpasswd text or an auth-map by
 * {@link Htpasswd}, plus the entries that were refused. Immutable; equal when read from the same
 * source with the same content, so snapshots holding one compare cheaply.
 *
 * <p>{@link #fingerprint()} identifies the content: verification results are cached under it,
 * so a changed Secret or password never reuses an old result, while an unchanged one read again
 * on a rebuild keeps its cached results.
 */
public final class CredentialSet {

  private final String source;
  private final Map<String, PasswordHash> hashes;
  private final List<CredentialProblem> problems;
  private final String fingerprint;
  private final @Nullable PasswordHash decoy;

  CredentialSet(String source, Map<String, PasswordHash> hashes, List<CredentialProblem> problems) {
    this.source = source;
    this.hashes = Map.copyOf(hashes);
    this.problems = List.copyOf(problems);
    this.fingerprint = fingerprint(new TreeMap<>(hashes));
    this.decoy = representative(new TreeMap<>(hashes));
  }

  /** Where the credentials came from, as named by the caller of {@link Htpasswd}. */
  public String source() {
    return source;
  }

  /** The users that can sign in, sorted. */
  public Set<String> users() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(hashes.keySet()));
  }

  /** The number of users that can sign in; 0 means every check fails. */
  public int size() {
    return hashes.size();
  }

  /** Whether the set has no usable entry. */
  public boolean isEmpty() {
    return hashes.isEmpty();
  }

  /** The entries that were refused, in source order; empty when everything was accepted. */
  public List<CredentialProblem> problems() {
    return problems;
  }

  /**
   * A hex SHA-256 over the accepted users and hashes, independent of the source name and of
   * entry order. Equal fingerprints mean every check gives the same answer.
   */
  public String fingerprint() {
    return fingerprint;
  }

  @Nullable PasswordHash hashOf(String user) {
    return hashes.get(user);
  }

  /**
   * The hash an unknown user's password is checked against, so that an unknown user costs what
   * a wrong password costs: the most common format and cost of the set (the costlier on a tie).
   * {@code null} only for an empty set, where no user exists to be discovered.
   */
  @Nullable PasswordHash decoy() {
    return decoy;
  }

  private static String fingerprint(TreeMap<String, PasswordHash> sorted) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, PasswordHash> entry : sorted.entrySet()) {
        // NUL and newline cannot occur in users or hashes, so the encoding is unambiguous.
        sha256.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(entry.getValue().encoded().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static @Nullable PasswordHash representative(TreeMap<String, PasswordHash> sorted) {
    Map<String, Integer> counts = new HashMap<>();
    Map<String, PasswordHash> firstOfKind = new HashMap<>();
    for (PasswordHash hash : sorted.values()) {
      String kind = hash.format() + "/" + hash.cost();
      counts.merge(kind, 1, Integer::sum);
      firstOfKind.putIfAbsent(kind, hash);
    }
    return firstOfKind.entrySet().stream()
        .max(Comparator.<Map.Entry<String, PasswordHash>>comparingInt(e -> counts.get(e.getKey()))
            .thenComparingInt(e -> e.getValue().cost())
            .thenComparing(e -> e.getValue().format()))
        .map(Map.Entry::getValue)
        .orElse(null);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof CredentialSet that
        && source.equals(that.source)
        && fingerprint.equals(that.fingerprint)
        && problems.equals(that.problems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, fingerprint, problems);
  }

  /** Names the source and counts; never prints hashes. */
  @Override
  public String toString() {
    return "CredentialSet[" + source + ", " + hashes.size() + " users, " + problems.size()
        + " problems, " + fingerprint.substring(0, 12) + "]";
  }
}
