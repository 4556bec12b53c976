package dev.bollard.proxy.headers;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Header changes applied to requests before they go upstream and to responses before they reach
 * the client, in order, like headers-more's {@code more_set_headers}, {@code more_clear_headers}
 * and {@code more_set_input_headers}. Global rules run first, then the route's.
 *
 * @param request rules for the request sent upstream
 * @param response rules for the response sent to the client
 */
public record HeaderRules(List<Rule> request, List<Rule> response) {

  /** No changes. */
  public static final HeaderRules NONE = new HeaderRules(List.of(), List.of());

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Headers a rule may not touch: they frame or route the message. */
  private static final Set<String> PROTECTED =
      Set.of("host", "content-length", "transfer-encoding", "connection", "upgrade", "te",
          "trailer", "keep-alive");

  /** What a rule does. */
  public enum Op {
    /** Replace every value with this one. */
    SET,
    /** Add a value, keeping those present. */
    ADD,
    /** Remove the header. */
    CLEAR
  }

  /**
   * One change.
   *
   * @param op what to do
   * @param name the header name
   * @param value the value ({@code ""} for {@link Op#CLEAR})
   */
  public record Rule(Op op, String name, String value) {
    public Rule {
      if (!TOKEN.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "header rule: " + quote(name) + " is not a header name");
      }
      if (PROTECTED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "header rule: " + name + " cannot be changed (it frames or routes the message)");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
          throw new IllegalArgumentException(
              "header rule " + name + ": the value contains a control or non-Latin-1 character"
                  + " at position " + i);
        }
      }
    }
  }

  public HeaderRules {
    request = List.copyOf(request);
    response = List.copyOf(response);
  }

  /**
   * Parses rules, one per line: {@code set Name: value}, {@code add Name: value}, {@code clear
   * Name}. Blank lines and lines starting with {@code #} are ignored.
   *
   * @throws IllegalArgumentException naming the line that does not parse
   */
  public static List<Rule> parseLines(String text) {
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.indexOf(' ');
      String verb = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
      String rest = space < 0 ? "" : line.substring(space + 1).strip();
      try {
        switch (verb) {
          case "set", "add" -> {
            int colon = rest.indexOf(':');
            if (colon <= 0) {
              throw new IllegalArgumentException("expected: " + verb + " Name: value");
            }
            rules.add(new Rule(verb.equals("set") ? Op.SET : Op.ADD,
                rest.substring(0, colon).strip(), rest.substring(colon + 1).strip()));
          }
          case "clear" -> rules.add(new Rule(Op.CLEAR, rest, ""));
          default -> throw new IllegalArgumentException(
              "unknown verb " + quote(verb) + " (expected: set, add or clear)");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(rules);
  }

  /** {@code SET} rules from a name-to-value map (ingress-nginx's header ConfigMaps). */
  public static List<Rule> setAll(Map<String, String> headers) {
    List<Rule> rules = new ArrayList<>();
    headers.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> rules.add(new Rule(Op.SET, e.getKey(), e.getValue())));
    return List.copyOf(rules);
  }

  /** These rules, then {@code more}'s. */
  public HeaderRules plus(HeaderRules more) {
    if (more.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return more;
    }
    List<Rule> req = new ArrayList<>(request);
    req.addAll(more.request);
    List<Rule> resp = new ArrayList<>(response);
    resp.addAll(more.response);
    return new HeaderRules(req, resp);
  }

  /** Whether {@code name} frames or routes the message, so that no rule may change it. */
  public static boolean isProtected(String name) {
    return PROTECTED.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Whether there is nothing to apply. */
  public boolean isEmpty() {
    return request.isEmpty() && response.isEmpty();
  }

  /** Applies the request rules. */
  public void applyToRequest(HttpHeaders headers) {
    apply(request, headers);
  }

  /** Applies the response rules. */
  public void applyToResponse(HttpHeaders headers) {
    apply(response, headers);
  }

  private static void apply(List<Rule> rules, HttpHeaders headers) {
    for (Rule r : rules) {
      switch (r.op) {
        case SET -> headers.set(r.name, r.value);
        case ADD -> headers.add(r.name, r.value);
        case CLEAR -> headers.remove(r.name);
        default -> throw new AssertionError(r.op);
      }
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
