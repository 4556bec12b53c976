package dev.bollard.proxy.accesslog;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A text line from an nginx-style template ({@code $remote_addr - $remote_user [$time_local]
 * ...}). Variables are nginx's and ingress-nginx's names; an empty value prints as {@code -}, as in
 * nginx. Values are escaped, literals are not (they come from the operator).
 *
 * <p>The template is compiled once into a list of parts, each writing its bytes straight into the
 * writer's {@link LineBuffer}: a literal is copied as pre-encoded bytes, a variable writes its
 * value in pieces (a number, a time, a range of the URI) without building a {@code String}.
 */
final class TextLineFormat implements LineFormat {

  /** One step of a compiled template. */
  @FunctionalInterface
  private interface Part {
    void append(RequestFacts f, LineBuffer out);
  }

  private static final Map<String, Part> VARIABLES =
      Map.ofEntries(
          Map.entry("remote_addr", (f, out) -> out.piece(f.clientAddressValue())),
          Map.entry("remote_user", (f, out) -> {
            String user = f.userValue();
            if (user != null) {
              out.piece(user);
            }
          }),
          Map.entry("time_local", (f, out) -> out.pieceLocalTime(f.startEpochMicros())),
          Map.entry("time_iso8601", (f, out) -> out.pieceIsoLocalTime(f.startEpochMicros())),
          Map.entry("msec", (f, out) -> out.pieceSeconds(f.startEpochMicros() * 1000)),
          Map.entry("request", (f, out) -> {
            out.piece(f.method());
            out.piece(" ");
            requestUri(f, out);
            out.piece(" ");
            out.piece(f.protocol());
          }),
          Map.entry("request_method", (f, out) -> out.piece(f.method())),
          Map.entry("request_uri", TextLineFormat::requestUri),
          Map.entry("uri", LineFormat::path),
          Map.entry("args", (f, out) -> LineFormat.query(f, out, false)),
          Map.entry("query_string", (f, out) -> LineFormat.query(f, out, false)),
          Map.entry("server_protocol", (f, out) -> out.piece(f.protocol())),
          Map.entry("host", (f, out) -> out.piece(f.host())),
          Map.entry("status", (f, out) -> out.pieceDecimal(f.status())),
          Map.entry("body_bytes_sent", (f, out) -> out.pieceDecimal(f.bodyBytesSent())),
          Map.entry("bytes_sent", (f, out) -> out.pieceDecimal(f.bytesSent())),
          Map.entry("request_length", (f, out) -> out.pieceDecimal(f.requestLength())),
          Map.entry("request_time", (f, out) -> seconds(f.durationNanos(), out)),
          Map.entry("request_completion", (f, out) -> out.piece(LineFormat.completion(f))),
          Map.entry("upstream_addr", (f, out) -> out.piece(f.upstreamAddress())),
          Map.entry("upstream_status", (f, out) -> {
            if (f.upstreamStatus() >= 0) {
              out.pieceDecimal(f.upstreamStatus());
            }
          }),
          Map.entry("auth_status", (f, out) -> {
            if (f.authStatus() >= 0) {
              out.pieceDecimal(f.authStatus());
            }
          }),
          Map.entry("auth_time", (f, out) -> seconds(f.authNanos(), out)),
          Map.entry("upstream_connect_time", (f, out) -> seconds(f.upstreamConnectNanos(), out)),
          Map.entry("upstream_header_time", (f, out) -> seconds(f.upstreamHeaderNanos(), out)),
          Map.entry("upstream_response_time",
              (f, out) -> seconds(f.upstreamResponseNanos(), out)),
          Map.entry("upstream_response_length", (f, out) -> {
            if (f.upstreamStatus() >= 0) {
              out.pieceDecimal(f.bodyBytesSent());
            }
          }),
          Map.entry("req_id", (f, out) -> out.piece(f.requestIdValue())),
          Map.entry("namespace", (f, out) -> out.piece(f.namespace())),
          Map.entry("ingress_name", (f, out) -> out.piece(f.ingress())),
          Map.entry("service_name", (f, out) -> out.piece(f.service())),
          Map.entry("service_port", (f, out) -> out.piece(f.servicePort())),
          Map.entry("proxy_upstream_name", (f, out) -> {
            if (!f.service().isEmpty()) {
              out.piece(f.namespace());
              out.piece("-");
              out.piece(f.service());
              out.piece("-");
              out.piece(f.servicePort());
            }
          }),
          Map.entry("proxy_alternative_upstream_name", (f, out) -> {}),
          Map.entry("ssl_protocol", (f, out) -> out.piece(f.tlsVersion())),
          Map.entry("ssl_server_name", (f, out) -> out.piece(f.sni())));

  private final Part[] parts;
  private final List<String> upstreamHeaders;

  private TextLineFormat(List<Part> parts, List<String> upstreamHeaders) {
    this.parts = parts.toArray(new Part[0]);
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
    List<Part> parts = new ArrayList<>();
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
        parts.add(literal(literal.toString()));
        literal.setLength(0);
      }
      parts.add(value(variable(name, upstream)));
      i = end;
    }
    if (literal.length() > 0) {
      parts.add(literal(literal.toString()));
    }
    return new TextLineFormat(parts, List.copyOf(upstream));
  }

  private static Part literal(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return (f, out) -> out.raw(bytes);
  }

  /** A variable's pieces as one value: escaped, cut at the limit, {@code -} when empty. */
  private static Part value(Part pieces) {
    return (f, out) -> {
      out.startValue();
      pieces.append(f, out);
      out.endValue();
    };
  }

  private static Part variable(String name, List<String> upstream) {
    Part known = VARIABLES.get(name);
    if (known != null) {
      return known;
    }
    if (name.startsWith("http_") && name.length() > 5) {
      AsciiString header = AsciiString.of(name.substring(5).replace('_', '-'));
      return (f, out) -> {
        String v = f.requestHeaders().get(header);
        if (v != null) {
          out.piece(v);
        }
      };
    }
    if (name.startsWith("upstream_http_") && name.length() > 14) {
      String snake = name.substring(14);
      upstream.add(snake.replace('_', '-'));
      return (f, out) -> {
        List<String> c = f.capturedTriplets();
        for (int i = 0; i < c.size(); i += 3) {
          if (snakeEquals(c.get(i), snake)) {
            out.piece(c.get(i + 2));
            return;
          }
        }
      };
    }
    throw new IllegalArgumentException(
        "log template: unknown variable $" + name
            + " (expected one of the variables listed in the README, $http_<header> or"
            + " $upstream_http_<header>)");
  }

  /** Whether lower-case {@code header} is {@code snake} with its {@code _} written as {@code -}. */
  private static boolean snakeEquals(String header, String snake) {
    if (header.length() != snake.length()) {
      return false;
    }
    for (int i = 0; i < header.length(); i++) {
      char h = header.charAt(i);
      if ((h == '-' ? '_' : h) != snake.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static void requestUri(RequestFacts f, LineBuffer out) {
    LineFormat.path(f, out);
    LineFormat.query(f, out, true);
  }

  private static void seconds(long nanos, LineBuffer out) {
    if (nanos >= 0) {
      out.pieceSeconds(nanos);
    }
  }

  List<String> upstreamHeaders() {
    return upstreamHeaders;
  }

  @Override
  public void append(RequestFacts f, LineBuffer out) {
    out.style(f.settings().escapeJson(), f.settings().maxValueLength(), true);
    for (Part part : parts) {
      part.append(f, out);
    }
  }
}
