package dev.bollard.acme;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Turns an exception chain into one line: acme4j wraps every I/O failure in a {@code
 * NetworkException} whose message is only "Network error", so the real reason (an untrusted
 * certificate, a refused connection) is in the causes.
 */
final class FailureCause {

  private FailureCause() {}

  /**
   * Each distinct message of the chain, outermost first ({@code "Network error:
   * SSLHandshakeException: PKIX path building failed: …"}), and {@code trustAdvice} after a dash
   * when the chain says the server's certificate was not trusted.
   */
  static String describe(Throwable failure, String trustAdvice) {
    List<String> parts = new ArrayList<>();
    boolean untrusted = false;
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (@Nullable Throwable t = failure; t != null && seen.put(t, true) == null;
        t = t.getCause()) {
      untrusted |= t instanceof SSLHandshakeException && mentionsTrust(t.getMessage())
          || t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException
          || t instanceof CertificateException;
      String message = t.getMessage();
      String part = message == null || message.isBlank()
          ? t.getClass().getSimpleName()
          : t == failure ? message : t.getClass().getSimpleName() + ": " + message;
      if (parts.stream().noneMatch(earlier -> earlier.contains(strip(message)))) {
        parts.add(part.strip());
      }
    }
    String line = String.join(": ", parts).replaceAll("\\s+", " ");
    return untrusted ? line + " — " + trustAdvice : line;
  }

  private static boolean mentionsTrust(@Nullable String message) {
    return message != null
        && (message.contains("PKIX") || message.contains("certificat")
            || message.contains("trust"));
  }

  private static String strip(@Nullable String message) {
    return message == null || message.isBlank() ? "\u0000" : message.strip();
  }
}
