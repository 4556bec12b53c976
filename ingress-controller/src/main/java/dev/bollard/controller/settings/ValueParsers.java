package dev.bollard.controller.settings;

import dev.bollard.acme.ChallengeType;
import dev.bollard.proxy.accesslog.AccessLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The value formats of the settings: the ConfigMap keys written the way ingress-nginx writes them,
 * and the flags' (a flag and its key share one parser). Each throws {@link
 * IllegalArgumentException} saying what was expected.
 */
public final class ValueParsers {

  private static final long MAX_BODY_BUFFER = 64L * 1024 * 1024;
  private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([kmg]?)");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private ValueParsers() {}

  /** nginx's size syntax: {@code 1m}, {@code 512k}, {@code 1g}, {@code 1024} bytes; 0 allowed. */
  public static long size(String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          quote(value) + " is not a size (expected e.g. 1m, 512k, 8192, or 0 for unlimited)");
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException(quote(value) + " is too large");
    }
    return n << shift;
  }

  /**
   * A duration: plain seconds as ingress-nginx writes them ({@code 60}), with a unit ({@code 60s},
   * {@code 500ms}, {@code 5m}, {@code 1h}), or ISO-8601 ({@code PT1M}); zero allowed.
   */
  public static Duration duration(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    }
    if (v.startsWith("p")) {
      try {
        Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
        if (!d.isNegative()) {
          return d;
        }
      } catch (DateTimeParseException e) {
        // Reported below with the formats that work.
      }
    }
    throw new IllegalArgumentException(
        quote(value) + " is not a duration (expected e.g. 60 or 60s, 500ms, 5m, 1h)");
  }

  /** A {@link #duration} above zero. */
  public static Duration positiveDuration(String value) {
    Duration d = duration(value);
    if (d.isZero()) {
      throw new IllegalArgumentException(quote(value) + " is zero (expected: more than 0)");
    }
    return d;
  }

  /**
   * {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code :PORT} or {@code PORT} (all interfaces); the
   * host must resolve.
   */
  public static InetSocketAddress address(String value) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? "" : v.substring(0, colon);
    String portText = colon < 0 ? v : v.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          quote(value) + ": put an IPv6 address in brackets, e.g. [::1]:8080");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(quote(value) + ": expected HOST:PORT, e.g. 0.0.0.0:8080");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(quote(value) + ": port " + port + " is not in 0-65535");
    }
    InetSocketAddress address =
        host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(quote(value) + ": cannot resolve host '" + host + "'");
    }
    return address;
  }

  /** A comma-separated list; blank entries are dropped. */
  static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return List.copyOf(out);
  }

  /** A header name ({@code forwarded-for-header}). */
  static String headerName(String value) {
    if (!value.strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new IllegalArgumentException(
          quote(value) + " is not a header name (expected e.g. X-Forwarded-For)");
    }
    return value.strip();
  }

  /** A whole number from {@code min} to {@code max}. */
  static int intBetween(String value, int min, int max) {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      n = Long.MIN_VALUE;
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(quote(value) + " (expected: a whole number "
          + (max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max)
          + ")");
    }
    return (int) n;
  }

  /** An access-log format: {@code json} or {@code text}. */
  static AccessLog.Format logFormat(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "json" -> AccessLog.Format.JSON;
      case "text" -> AccessLog.Format.TEXT;
      default -> throw new IllegalArgumentException(
          quote(value) + " is not an access-log format (expected: json or text)");
    };
  }

  /** The proxy's event-loop transport: {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}. */
  static String transport(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "auto", "io_uring", "epoll", "nio" -> v;
      default -> throw new IllegalArgumentException(
          quote(value) + " is not a transport (expected: auto, io_uring, epoll or nio)");
    };
  }

  /** An absolute URL. */
  static URI uri(String value) {
    try {
      URI uri = new URI(value.strip());
      if (uri.isAbsolute()) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Reported below.
    }
    throw new IllegalArgumentException(
        quote(value) + " (expected: an absolute URL, e.g. https://acme.example/directory)");
  }

  /** A number strictly between 0 and 1. */
  static double fraction(String value) {
    double d;
    try {
      d = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d > 0 && d < 1)) {
      throw new IllegalArgumentException(quote(value) + " (expected: between 0 and 1)");
    }
    return d;
  }

  /**
   * ACME challenge types as RFC 8555 and RFC 8737 spell them ({@code http-01}, {@code
   * tls-alpn-01}), comma-separated, each once, in order of preference.
   */
  static List<ChallengeType> challengeTypes(String value) {
    List<ChallengeType> out = new ArrayList<>();
    for (String name : list(value)) {
      String wanted = name.toLowerCase(Locale.ROOT);
      ChallengeType type = Arrays.stream(ChallengeType.values())
          .filter(t -> t.acmeName().equals(wanted)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(quote(name) + " (expected: "
              + Arrays.stream(ChallengeType.values()).map(ChallengeType::acmeName)
                  .collect(Collectors.joining(" or ")) + ")"));
      if (out.contains(type)) {
        throw new IllegalArgumentException(quote(value) + " (expected: each type once)");
      }
      out.add(type);
    }
    return List.copyOf(out);
  }

  /** {@code [NAMESPACE/]NAME} of a config family (the namespace is filled in later). */
  static String configFamily(String value) {
    try {
      ConfigFamily.parse(value, "default");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(quote(value) + " (expected: NAMESPACE/NAME or NAME)");
    }
    return value.strip();
  }

  /** {@code namespace/name} of a namespaced object. */
  static String namespacedName(String value) {
    String ref = value.strip();
    if (!ref.matches("[^/]+/[^/]+")) {
      throw new IllegalArgumentException(
          quote(value) + " (expected: NAMESPACE/NAME, e.g. ingress/bollard)");
    }
    return ref;
  }

  /**
   * An IngressClass {@code spec.controller} value: a domain-prefixed path, as the API server
   * requires ({@code bollard.dev/ingress-controller}, {@code k8s.io/ingress-nginx}).
   */
  static String controllerName(String value) {
    String name = value.strip();
    if (name.length() > 250
        || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
            + "/[A-Za-z0-9._~/-]+")) {
      throw new IllegalArgumentException(quote(value)
          + " (expected: a domain-prefixed path, e.g. k8s.io/ingress-nginx)");
    }
    return name;
  }

  /** {@code namespace/name} of a ConfigMap, or empty for none. */
  static String configMapRef(String value) {
    String ref = value.strip();
    int slash = ref.indexOf('/');
    if (!ref.isEmpty()
        && (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0)) {
      throw new IllegalArgumentException(
          quote(value) + " (expected: namespace/name of a ConfigMap, e.g. ingress/headers)");
    }
    return ref;
  }

  /** {@code namespace/name} of a Secret. */
  static String secretRef(String value) {
    String ref = value.strip();
    int slash = ref.indexOf('/');
    if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(quote(value) + " (expected: namespace/name of a Secret)");
    }
    return ref;
  }

  /** A non-negative whole number of seconds ({@code hsts-max-age}). */
  static long nonNegativeSeconds(String value) {
    String v = value.trim();
    if (!v.matches("\\d{1,12}")) {
      throw new IllegalArgumentException(
          quote(value) + " is not a whole number of seconds (expected e.g. 31536000)");
    }
    return Long.parseLong(v);
  }

  /** {@code true} or {@code false}, as ingress-nginx writes them. */
  static boolean bool(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException(quote(value) + " is not a boolean (expected: true or false)");
  }

  /** nginx's {@code on} or {@code off} (ingress-nginx's {@code proxy-request-buffering}). */
  static boolean onOff(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("on")) {
      return true;
    }
    if (v.equals("off")) {
      return false;
    }
    throw new IllegalArgumentException(quote(value) + " is not on or off (expected: on or off)");
  }

  /** A size of at most 64 MiB, in memory per buffered request body. */
  static int bodyBufferSize(String value) {
    long bytes = size(value);
    if (bytes > MAX_BODY_BUFFER) {
      throw new IllegalArgumentException(quote(value) + " is too large (expected: at most 64m;"
          + " larger bodies go to a temporary file anyway)");
    }
    return (int) bytes;
  }

  /** A comma-separated list of CIDRs or single addresses ({@code 10.0.0.0/8, 192.168.1.1}). */
  static List<String> cidrs(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      String cidr = part.trim();
      if (cidr.isEmpty()) {
        continue;
      }
      int slash = cidr.indexOf('/');
      String address = slash < 0 ? cidr : cidr.substring(0, slash);
      boolean v4 = IPV4.matcher(address).matches();
      if (!v4 && !IPV6.matcher(address).matches()) {
        throw notCidr(cidr);
      }
      try {
        // A literal only (checked above), so this never looks anything up.
        InetAddress.getByName(address);
      } catch (UnknownHostException e) {
        throw notCidr(cidr);
      }
      if (slash >= 0) {
        String prefix = cidr.substring(slash + 1);
        int max = v4 ? 32 : 128;
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
          throw notCidr(cidr);
        }
      }
      out.add(cidr);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty (expected e.g. 10.0.0.0/8,192.168.0.0/16)");
    }
    return out;
  }

  private static IllegalArgumentException notCidr(String cidr) {
    return new IllegalArgumentException(
        quote(cidr) + " is not an address or CIDR (expected e.g. 10.0.0.0/8 or fd00::/8)");
  }

  static String quote(String value) {
    return "\"" + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "\"";
  }
}
