package dev.bollard.controller.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The value formats of the config keys, written the way ingress-nginx's ConfigMap writes them. */
final class ValueParsers {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([kmg]?)");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private ValueParsers() {}

  /** nginx's size syntax: {@code 1m}, {@code 512k}, {@code 1g}, {@code 1024} bytes; 0 allowed. */
  static long size(String value) {
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
   * A positive duration: plain seconds as ingress-nginx writes them ({@code 60}), or with a unit
   * ({@code 60s}, {@code 500ms}, {@code 5m}, {@code 1h}).
   */
  static Duration seconds(String value) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          quote(value) + " is not a duration (expected seconds, e.g. 60 or 60s; or 500ms, 5m)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d =
        switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofSeconds(n);
        };
    if (d.isZero()) {
      throw new IllegalArgumentException(quote(value) + " is zero (expected: more than 0)");
    }
    return d;
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
