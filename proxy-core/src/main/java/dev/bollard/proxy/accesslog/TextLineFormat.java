package dev.bollard.proxy.accesslog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A text line from an nginx-style template ({@code $remote_addr - $remote_user [$time_local]
 * ...}). Variables are nginx's and ingress-nginx's names; an empty value prints as {@code -}, as in
 * nginx. Values are escaped, literals are not (they come from the operator).
 */
final class TextLineFormat implements LineFormat {

  private static final Map<String, Function<RequestFacts, String>> VARIABLES =
      Map.ofEntries(
          Map.entry("remote_addr", RequestFacts::clientAddressValue),
          Map.entry("remote_user", f -> f.userValue() == null ? "" : f.userValue()),
          Map.entry("time_local", f -> LOCAL_TIME.format(LineFormat.instant(f.startEpochMicros()))),
          Map.entry("time_iso8601", f -> java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
              .format(LineFormat.instant(f.startEpochMicros()).atZone(java.time.ZoneId.systemDefault())
                  .withNano(0))),
          Map.entry("msec", f -> seconds(f.startEpochMicros() * 1000)),
          Map.entry("request", f -> f.method() + " " + requestUri(f) + " " + f.protocol()),
          Map.entry("request_method", RequestFacts::method),
          Map.entry("request_uri", TextLineFormat::requestUri),
          Map.entry("uri", f -> LineFormat.pathAndQuery(f)[0]),
          Map.entry("args", f -> LineFormat.pathAndQuery(f)[1]),
          Map.entry("query_string", f -> LineFormat.pathAndQuery(f)[1]),
          Map.entry("server_protocol", RequestFacts::protocol),
          Map.entry("host", RequestFacts::host),
          Map.entry("status", f -> Integer.toString(f.status())),
          Map.entry("body_bytes_sent", f -> Long.toString(f.bodyBytesSent())),
          Map.entry("bytes_sent", f -> Long.toString(f.bytesSent())),
          Map.entry("request_length", f -> Long.toString(f.requestLength())),
          Map.entry("request_time", f -> seconds(f.durationNanos())),
          Map.entry("upstream_addr", RequestFacts::upstreamAddress),
          Map.entry("upstream_status",
              f -> f.upstreamStatus() < 0 ? "" : Integer.toString(f.upstreamStatus())),
          Map.entry("upstream_connect_time", f -> seconds(f.upstreamConnectNanos())),
          Map.entry("upstream_header_time", f -> seconds(f.upstreamHeaderNanos())),
          Map.entry("upstream_response_time", f -> seconds(f.upstreamResponseNanos())),
          Map.entry("upstream_response_length",
              f -> f.upstreamStatus() < 0 ? "" : Long.toString(f.bodyBytesSent())),
          Map.entry("req_id", RequestFacts::requestIdValue),
          Map.entry("namespace", RequestFacts::namespace),
          Map.entry("ingress_name", RequestFacts::ingress),
          Map.entry("service_name", RequestFacts::service),
          Map.entry("service_port", RequestFacts::servicePort),
          Map.entry("proxy_upstream_name", f -> f.service().isEmpty() ? ""
              : f.namespace() + "-" + f.service() + "-" + f.servicePort()),
          Map.entry("proxy_alternative_upstream_name", f -> ""),
          Map.entry("ssl_protocol", RequestFacts::tlsVersion),
          Map.entry("ssl_server_name", RequestFacts::sni));

  private final List<Object> parts;
  private final List<String> upstreamHeaders;

  private TextLineFormat(List<Object> parts, List<String> upstreamHeaders) {
    this.parts = parts;
    this.upstreamHeaders = upstreamHeaders;
  }

  /**
   * @throws IllegalArgumentException naming an unknown variable
   */
  static TextLineFormat compile(String template) {
    if (template.indexOf('\n') >= 0 || template.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "log template: contains a line break (expected: one line)");
    }
    List<Object> parts = new ArrayList<>();
    List<String> upstream = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$') {
        literal.append(c);
        i++;
        continue;
      }
      boolean braced = i + 1 < template.length() && template.charAt(i + 1) == '{';
      int start = braced ? i + 2 : i + 1;
      int end = start;
      while (end < template.length() && isNameChar(template.charAt(end))) {
        end++;
      }
      String name = template.substring(start, end);
      if (braced) {
        if (end >= template.length() || template.charAt(end) != '}') {
          throw new IllegalArgumentException(
              "log template: unclosed ${ at position " + i + " (expected: ${name})");
        }
        end++;
      }
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "log template: $ without a variable name at position " + i
                + " (write a variable such as $status)");
      }
      if (literal.length() > 0) {
        parts.add(literal.toString());
        literal.setLength(0);
      }
      parts.add(variable(name, upstream));
      i = end;
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    return new TextLineFormat(List.copyOf(parts), List.copyOf(upstream));
  }

  private static Function<RequestFacts, String> variable(String name, List<String> upstream) {
    Function<RequestFacts, String> known = VARIABLES.get(name);
    if (known != null) {
      return known;
    }
    if (name.startsWith("http_") && name.length() > 5) {
      String header = name.substring(5).replace('_', '-');
      return f -> {
        String v = f.requestHeaders().get(header);
        return v == null ? "" : v;
      };
    }
    if (name.startsWith("upstream_http_") && name.length() > 14) {
      String snake = name.substring(14);
      upstream.add(snake.replace('_', '-'));
      return f -> {
        List<String> c = f.capturedTriplets();
        for (int i = 0; i < c.size(); i += 3) {
          if (c.get(i).equals(snake)) {
            return c.get(i + 2);
          }
        }
        return "";
      };
    }
    throw new IllegalArgumentException(
        "log template: unknown variable $" + name
            + " (expected one of the variables listed in the README, $http_<header> or"
            + " $upstream_http_<header>)");
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static String requestUri(RequestFacts f) {
    String[] pq = LineFormat.pathAndQuery(f);
    return pq[1].isEmpty() ? pq[0] : pq[0] + "?" + pq[1];
  }

  private static String seconds(long nanos) {
    if (nanos < 0) {
      return "";
    }
    StringBuilder b = new StringBuilder(8);
    LineFormat.seconds(nanos, b);
    return b.toString();
  }

  List<String> upstreamHeaders() {
    return upstreamHeaders;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void append(RequestFacts f, StringBuilder out) {
    int max = f.settings().maxValueLength();
    boolean json = f.settings().escapeJson();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.append(s);
        continue;
      }
      String v = ((Function<RequestFacts, String>) part).apply(f);
      if (v.isEmpty()) {
        out.append('-');
      } else if (json) {
        Escaper.json(v, max, out);
      } else {
        Escaper.nginx(v, max, out);
      }
    }
  }
}
