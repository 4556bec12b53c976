package dev.bollard.proxy.step;

import com.google.re2j.Matcher;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A text with nginx variables ({@code $host}, {@code ${scheme}}, {@code $http_x_api_key}, and in a
 * {@code rewrite} replacement {@code $1}…{@code $9}), compiled once when the Ingress is translated
 * and expanded per request without parsing anything again.
 *
 * <p>Only variables whose meaning Bollard can give exactly are known: {@code host}, {@code scheme},
 * {@code request_uri}, ingress-nginx's {@code escaped_request_uri}, {@code uri} and {@code
 * document_uri}, {@code args} and {@code query_string}, {@code is_args}, {@code remote_addr},
 * {@code binary_remote_addr} (the address's bytes, encoded like other control bytes), {@code
 * request_method}, {@code request_id} and ingress-nginx's {@code req_id}, {@code
 * proxy_add_x_forwarded_for}, {@code http_<name>}, {@code cookie_<name>} and {@code arg_<name>}
 * (the first cookie or query argument of that name, ignoring case, as sent). Any other one refuses
 * the text ({@link #parse} throws naming it).
 *
 * <p>What a variable expands to comes from the client, so it is made harmless for where it goes:
 * control and non-ASCII characters are percent-encoded (UTF-8), so no expansion can end a header
 * line (a decoded {@code $uri} may hold {@code %0d%0a}); in a {@link Context#URI} the decoded
 * values ({@code $uri}, captures) also get space, {@code "}, {@code <}, {@code >}, {@code \},
 * {@code ^}, {@code `}, <code>{</code>, {@code |}, <code>}</code>, {@code %}, {@code ?} and {@code #}
 * encoded, so they stay one path.
 */
public final class VariableTemplate {

  /** Where an expansion goes, which decides what is encoded. */
  public enum Context {
    /** A header value or a response body line: control and non-ASCII characters encoded. */
    HEADER,
    /** A URI or its path: also what would end or change a path, in decoded values. */
    URI
  }

  /** A variable Bollard knows. */
  private enum Variable {
    HOST, SCHEME, REQUEST_URI, ESCAPED_REQUEST_URI, URI, ARGS, IS_ARGS, REMOTE_ADDR,
    BINARY_REMOTE_ADDR, REQUEST_METHOD, REQUEST_ID, PROXY_ADD_X_FORWARDED_FOR, HTTP, COOKIE, ARG,
    CAPTURE
  }

  private static final Map<String, Variable> NAMES = names();

  /** The variable names {@link #parse} accepts, for messages. */
  public static final String SUPPORTED =
      "$host, $scheme, $request_uri, $escaped_request_uri, $uri, $document_uri, $args,"
          + " $query_string, $is_args, $remote_addr, $binary_remote_addr, $request_method,"
          + " $request_id, $req_id, $proxy_add_x_forwarded_for, $http_<header>, $cookie_<name>,"
          + " $arg_<name>";

  /** One piece: a literal ({@code variable} null), a variable, a header or a capture. */
  private record Part(@Nullable Variable variable, String text, int capture) {}

  private final String source;
  private final Part[] parts;
  private final boolean constant;

  private VariableTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = parts.toArray(new Part[0]);
    this.constant = parts.stream().allMatch(p -> p.variable() == null);
  }

  private static Map<String, Variable> names() {
    Map<String, Variable> m = new TreeMap<>();
    m.put("host", Variable.HOST);
    m.put("scheme", Variable.SCHEME);
    m.put("request_uri", Variable.REQUEST_URI);
    m.put("escaped_request_uri", Variable.ESCAPED_REQUEST_URI);
    m.put("uri", Variable.URI);
    m.put("document_uri", Variable.URI);
    m.put("args", Variable.ARGS);
    m.put("query_string", Variable.ARGS);
    m.put("is_args", Variable.IS_ARGS);
    m.put("remote_addr", Variable.REMOTE_ADDR);
    m.put("binary_remote_addr", Variable.BINARY_REMOTE_ADDR);
    m.put("request_method", Variable.REQUEST_METHOD);
    m.put("request_id", Variable.REQUEST_ID);
    m.put("req_id", Variable.REQUEST_ID);
    m.put("proxy_add_x_forwarded_for", Variable.PROXY_ADD_X_FORWARDED_FOR);
    return Map.copyOf(m);
  }

  /** A text without variables, taken as it is ({@code $} has no meaning in it). */
  public static VariableTemplate literal(String text) {
    Objects.requireNonNull(text, "text");
    return new VariableTemplate(text, text.isEmpty() ? List.of() : List.of(
        new Part(null, text, 0)));
  }

  /**
   * Compiles {@code text}.
   *
   * @param maxCapture the highest {@code $N} allowed (the rewrite regex's group count), or 0
   *     where captures mean nothing
   * @throws IllegalArgumentException naming the variable that is unknown or malformed
   */
  public static VariableTemplate parse(String text, int maxCapture) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$') {
        literal.append(c);
        i++;
        continue;
      }
      String name;
      int end;
      if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          throw new IllegalArgumentException("the variable at \"" + text.substring(i)
              + "\" has no closing }");
        }
        name = text.substring(i + 2, close);
        end = close + 1;
      } else {
        end = i + 1;
        if (end < text.length() && isDigit(text.charAt(end))) {
          end++;
        } else {
          while (end < text.length() && isNameChar(text.charAt(end))) {
            end++;
          }
        }
        name = text.substring(i + 1, end);
      }
      if (name.isEmpty() || !name.chars().allMatch(ch -> isNameChar((char) ch))) {
        throw new IllegalArgumentException("\"$" + (name.isEmpty() ? "" : name)
            + "\" is not a variable name (a literal $ cannot be written in nginx either)");
      }
      if (!literal.isEmpty()) {
        parts.add(new Part(null, literal.toString(), 0));
        literal.setLength(0);
      }
      parts.add(variable(name, maxCapture));
      i = end;
    }
    if (!literal.isEmpty()) {
      parts.add(new Part(null, literal.toString(), 0));
    }
    return new VariableTemplate(text, parts);
  }

  private static Part variable(String name, int maxCapture) {
    if (name.chars().allMatch(ch -> isDigit((char) ch))) {
      int n = Integer.parseInt(name);
      if (maxCapture == 0) {
        throw new IllegalArgumentException("$" + name + " refers to a regex capture, and there is"
            + " no regex here");
      }
      if (n > maxCapture) {
        throw new IllegalArgumentException("$" + name + " refers to capture " + n
            + " and the regex has " + maxCapture);
      }
      return new Part(Variable.CAPTURE, "", n);
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http_") && lower.length() > 5) {
      return new Part(Variable.HTTP, lower.substring(5).replace('_', '-'), 0);
    }
    // As nginx: cookie and argument names as written (no _ to - mapping), matched ignoring case.
    if (lower.startsWith("cookie_") && lower.length() > 7) {
      return new Part(Variable.COOKIE, name.substring(7), 0);
    }
    if (lower.startsWith("arg_") && lower.length() > 4) {
      return new Part(Variable.ARG, name.substring(4), 0);
    }
    Variable v = NAMES.get(lower);
    if (v == null || !lower.equals(name)) {
      throw new IllegalArgumentException("variable $" + name + " is not supported (supported: "
          + SUPPORTED + ")");
    }
    return new Part(v, "", 0);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNameChar(char c) {
    return c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** The text as written. */
  public String source() {
    return source;
  }

  /** Whether the text has no variable (its expansion never changes). */
  public boolean isConstant() {
    return constant;
  }

  /** The literal pieces joined, variables left out: what a caller checks for bad characters. */
  public String literalText() {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p.variable() == null) {
        b.append(p.text());
      }
    }
    return b.toString();
  }

  /** Whether the text starts with {@code http://}, {@code https://} or {@code $scheme}. */
  public boolean isAbsoluteUrl() {
    if (parts.length == 0) {
      return false;
    }
    Part first = parts[0];
    if (first.variable() == Variable.SCHEME) {
      return true;
    }
    return first.variable() == null
        && (first.text().startsWith("http://") || first.text().startsWith("https://"));
  }

  /** The expansion for {@code request}, without captures. */
  public String expand(StepRequest request, Context context) {
    return expand(request, context, null);
  }

  /** The expansion for {@code request}, {@code $N} taken from {@code captures}. */
  public String expand(StepRequest request, Context context, @Nullable Matcher captures) {
    if (constant) {
      return source;
    }
    StringBuilder out = new StringBuilder(source.length() + 32);
    for (Part p : parts) {
      Variable v = p.variable();
      if (v == null) {
        out.append(p.text());
        continue;
      }
      boolean decoded = v == Variable.URI || v == Variable.CAPTURE;
      String value = switch (v) {
        case HOST -> request.host();
        case SCHEME -> request.secure() ? "https" : "http";
        case REQUEST_URI -> request.originUri();
        case ESCAPED_REQUEST_URI -> escapeUri(request.originUri());
        case URI -> request.path();
        case ARGS -> args(request.originUri());
        case IS_ARGS -> request.originUri().indexOf('?') >= 0 ? "?" : "";
        case REMOTE_ADDR -> request.client().getHostAddress();
        case BINARY_REMOTE_ADDR -> binary(request.client().getAddress());
        case REQUEST_METHOD -> request.head().method().name();
        case REQUEST_ID -> request.facts().requestIdValue();
        case PROXY_ADD_X_FORWARDED_FOR -> forwardedFor(request);
        case HTTP -> header(request, p.text());
        case COOKIE -> cookie(request, p.text());
        case ARG -> arg(request.originUri(), p.text());
        case CAPTURE -> captures == null || p.capture() > captures.groupCount()
            ? "" : Objects.requireNonNullElse(captures.group(p.capture()), "");
      };
      append(out, value, context == Context.URI && decoded);
    }
    return out.toString();
  }

  /**
   * ingress-nginx's {@code $escaped_request_uri} ({@code set_escape_uri}): every byte but letters,
   * digits and {@code -._~} percent-encoded, so the value is one query parameter.
   */
  public static String escapeUri(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        percent(out, c);
      }
    }
    return out.toString();
  }

  private static String args(String originUri) {
    int q = originUri.indexOf('?');
    return q < 0 ? "" : originUri.substring(q + 1);
  }

  /** The address's bytes, one character each (then encoded like any other control byte). */
  private static String binary(byte[] address) {
    return new String(address, StandardCharsets.ISO_8859_1);
  }

  /**
   * nginx's {@code $cookie_name}: the value of the first cookie called {@code name} (ignoring
   * case) in the {@code Cookie} fields, as sent; empty when there is none.
   */
  static String cookie(StepRequest request, String name) {
    for (String field : request.head().headers().getAll(HttpHeaderNames.COOKIE)) {
      long found = CookieHeader.find(field, name, true);
      if (found != CookieHeader.ABSENT) {
        return field.substring(CookieHeader.start(found), CookieHeader.end(found));
      }
    }
    return "";
  }

  /**
   * nginx's {@code $arg_name}: the value of the first query argument called {@code name} (ignoring
   * case), not decoded; empty when there is none.
   */
  static String arg(String originUri, String name) {
    int q = originUri.indexOf('?');
    if (q < 0) {
      return "";
    }
    int end = originUri.indexOf('#', q);
    int n = end < 0 ? originUri.length() : end;
    int i = q + 1;
    while (i <= n) {
      int amp = originUri.indexOf('&', i);
      int stop = amp < 0 || amp > n ? n : amp;
      int eq = i + name.length();
      if (eq < stop && originUri.charAt(eq) == '='
          && originUri.regionMatches(true, i, name, 0, name.length())) {
        return originUri.substring(eq + 1, stop);
      }
      i = stop + 1;
    }
    return "";
  }

  private static String header(StepRequest request, String name) {
    if (name.equals("cookie")) {
      // nginx joins several Cookie fields with "; ", every other header gives its first field.
      return String.join("; ", request.head().headers().getAll(HttpHeaderNames.COOKIE));
    }
    String value = request.head().headers().get(name);
    return value == null ? "" : value;
  }

  /** nginx's definition: the client's X-Forwarded-For fields, then the client address. */
  private static String forwardedFor(StepRequest request) {
    List<String> sent = request.head().headers().getAll("x-forwarded-for");
    String client = request.client().getHostAddress();
    return sent.isEmpty() ? client : String.join(", ", sent) + ", " + client;
  }

  private static void append(StringBuilder out, String value, boolean asPath) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        int cp = value.codePointAt(i);
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          percent(out, b & 0xff);
        }
        i += Character.charCount(cp) - 1;
      } else if (asPath && " \"<>\\^`{|}%?#".indexOf(c) >= 0) {
        percent(out, c);
      } else {
        out.append(c);
      }
    }
  }

  private static void percent(StringBuilder out, int b) {
    out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof VariableTemplate other && other.source.equals(source)
        && other.parts.length == parts.length && java.util.Arrays.equals(other.parts, parts);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }
}
