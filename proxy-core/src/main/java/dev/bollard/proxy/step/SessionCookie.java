package dev.bollard.proxy.step;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The sticky-session cookie's name and attributes, as ingress-nginx's {@code session-cookie-*}
 * annotations give them, and how its {@code Set-Cookie} value is written: attributes in the order
 * ingress-nginx's cookie library writes them ({@code Expires}, {@code Max-Age}, {@code Domain},
 * {@code Path}, {@code Secure}, {@code HttpOnly}, {@code SameSite}); always {@code HttpOnly}, as
 * in ingress-nginx.
 *
 * @param name the cookie's name (an HTTP token)
 * @param path its {@code Path}
 * @param domain its {@code Domain}, or null for none
 * @param sameSite its {@code SameSite}, or null for none
 * @param conditionalSameSiteNone whether {@code SameSite=None} is left out for user agents known
 *     to reject such cookies ({@link #sameSiteNoneCompatible})
 * @param secure {@code Secure} also on requests that did not arrive over TLS (those that did always
 *     get it)
 * @param expiresSeconds {@code Expires} this many seconds after the response, or null for none
 * @param maxAgeSeconds {@code Max-Age}, or null for none
 */
public record SessionCookie(
    String name,
    String path,
    @Nullable String domain,
    @Nullable SameSite sameSite,
    boolean conditionalSameSiteNone,
    boolean secure,
    @Nullable Long expiresSeconds,
    @Nullable Long maxAgeSeconds) {

  /** ingress-nginx's default cookie name. */
  public static final String DEFAULT_NAME = "INGRESSCOOKIE";

  /** The cookie date format of RFC 6265 (an HTTP date): {@code Sun, 06 Dec 2026 09:30:00 GMT}. */
  private static final DateTimeFormatter COOKIE_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  /** The {@code SameSite} attribute's values, written as browsers document them. */
  public enum SameSite {
    NONE("None"),
    LAX("Lax"),
    STRICT("Strict");

    private final String text;

    SameSite(String text) {
      this.text = text;
    }

    /** The attribute's value as written in {@code Set-Cookie}. */
    public String text() {
      return text;
    }
  }

  public SessionCookie {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: empty (expected a cookie name)");
    }
  }

  /** A cookie of ingress-nginx's defaults with this name and path. */
  public static SessionCookie of(String name, String path) {
    return new SessionCookie(name, path, null, null, false, false, null, null);
  }

  /** This cookie with {@code path}. */
  public SessionCookie withPath(String path) {
    return new SessionCookie(name, path, domain, sameSite, conditionalSameSiteNone, secure,
        expiresSeconds, maxAgeSeconds);
  }

  /**
   * The {@code Set-Cookie} value that gives the cookie {@code value}.
   *
   * @param tls whether the request arrived over TLS (then always {@code Secure}, as ingress-nginx's
   *     {@code $https})
   * @param userAgent the request's {@code User-Agent}, or null
   * @param nowMillis the time of the response, for {@code Expires}
   */
  public String setCookie(String value, boolean tls, @Nullable String userAgent, long nowMillis) {
    StringBuilder out = new StringBuilder(96).append(name).append('=').append(value);
    if (expiresSeconds != null) {
      Instant at = Instant.ofEpochMilli(nowMillis).plusSeconds(expiresSeconds);
      out.append("; Expires=").append(COOKIE_DATE.format(at));
    }
    if (maxAgeSeconds != null) {
      out.append("; Max-Age=").append(maxAgeSeconds.longValue());
    }
    if (domain != null) {
      out.append("; Domain=").append(domain);
    }
    out.append("; Path=").append(path);
    if (secure || tls) {
      out.append("; Secure");
    }
    out.append("; HttpOnly");
    if (sameSite != null && !(sameSite == SameSite.NONE && conditionalSameSiteNone
        && !sameSiteNoneCompatible(userAgent))) {
      out.append("; SameSite=").append(sameSite.text());
    }
    return out.toString();
  }

  /**
   * Whether a user agent accepts a cookie with {@code SameSite=None}: ingress-nginx's list of
   * those that do not (Chrome 40 to 69, iOS 12, Safari on macOS 10.14 — which reject such a cookie
   * altogether or treat it as {@code Strict}). A request without one is taken to accept it.
   */
  public static boolean sameSiteNoneCompatible(@Nullable String userAgent) {
    if (userAgent == null) {
      return true;
    }
    if (userAgent.contains("Chrome/4") || userAgent.contains("Chrome/5")
        || userAgent.contains("Chrome/6")) {
      return false;
    }
    if (userAgent.contains("CPU iPhone OS 12") || userAgent.contains("iPad; CPU OS 12")) {
      return false;
    }
    return !(userAgent.contains("Macintosh") && userAgent.contains("Intel Mac OS X 10_14")
        && userAgent.contains("Safari") && !userAgent.contains("Chrome"));
  }
}
