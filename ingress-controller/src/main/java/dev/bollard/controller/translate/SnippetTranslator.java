package dev.bollard.controller.translate;

import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.step.HeaderTemplates;
import dev.bollard.proxy.step.HeaderTemplates.Edit;
import dev.bollard.proxy.step.Redirect;
import dev.bollard.proxy.step.RewriteProgram;
import dev.bollard.proxy.step.RewriteProgram.Flag;
import dev.bollard.proxy.step.VariableTemplate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Translates the directives of one nginx snippet into typed steps, never running anything:
 *
 * <ul>
 *   <li>{@code more_set_headers}, {@code more_clear_headers} (headers-more, with {@code -s},
 *       {@code -t}, {@code -a} and {@code *} name prefixes), {@code add_header name value
 *       [always]}: response edits;
 *   <li>{@code more_set_input_headers} ({@code -r}, {@code -t}), {@code more_clear_input_headers},
 *       {@code proxy_set_header}: edits of the request sent upstream;
 *   <li>{@code proxy_hide_header}: a header removed from upstream responses;
 *   <li>{@code return code [text|URL]}, {@code return URL}, {@code rewrite regex replacement
 *       [permanent|redirect|break]}: a {@link RewriteProgram}.
 * </ul>
 *
 * <p>Lines that ask for what Bollard does anyway are accepted and change nothing: {@code
 * proxy_http_version 1.1}, {@code proxy_set_header Host $host} (or {@code $http_host}), {@code
 * proxy_set_header Connection ""} (or {@code upgrade}, {@code $connection_upgrade}) and {@code
 * proxy_set_header Upgrade $http_upgrade}.
 *
 * <p>Values may use the variables {@link VariableTemplate} knows; any other variable, any other
 * directive, and any block is refused with a reason naming it. The caller decides what a refusal
 * means for the rest of the snippet.
 */
final class SnippetTranslator {

  /** Where ingress-nginx puts the snippet. */
  enum Scope {
    /** The {@code server} block of each host ({@code server-snippet}). */
    SERVER,
    /** The {@code location} block of each path ({@code configuration-snippet}). */
    LOCATION
  }

  /** A response edit and whether it came from {@code add_header} (nginx inherits those apart). */
  record ResponseEdit(Edit edit, boolean addHeader) {}

  /**
   * What a snippet translates to.
   *
   * @param request edits of the upstream request, in order
   * @param response edits of the response, in order
   * @param hidden headers hidden from upstream responses ({@code proxy_hide_header})
   * @param program its {@code return} and {@code rewrite} directives, in order
   * @param refusals one line per directive that cannot be translated, naming it and why
   * @param notes directives accepted without effect, and why (they had none in ingress-nginx)
   */
  record Translation(List<Edit> request, List<ResponseEdit> response, List<String> hidden,
      List<RewriteProgram.Instruction> program, List<String> refusals, List<String> notes) {}

  /** The directives translated, for messages. */
  static final String TRANSLATED = "more_set_headers, more_clear_headers, more_set_input_headers,"
      + " more_clear_input_headers, add_header, proxy_set_header, proxy_hide_header, return,"
      + " rewrite"
      + " (and proxy_http_version 1.1, which changes nothing)";

  private static final Set<String> HOST_AS_BOLLARD_SENDS =
      Set.of("$host", "$http_host", "$best_http_host");

  private static final Set<String> CONNECTION_AS_BOLLARD_SENDS =
      Set.of("", "upgrade", "Upgrade", "$connection_upgrade");

  private final Scope scope;
  private final List<Edit> request = new ArrayList<>();
  private final List<ResponseEdit> response = new ArrayList<>();
  private final List<String> hidden = new ArrayList<>();
  private final List<RewriteProgram.Instruction> program = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private SnippetTranslator(Scope scope) {
    this.scope = scope;
  }

  /** Translates {@code text}; a text that does not parse is one refusal. */
  static Translation translate(String text, Scope scope) {
    SnippetTranslator t = new SnippetTranslator(scope);
    List<SnippetDirective> directives;
    try {
      directives = SnippetParser.parse(text);
    } catch (IllegalArgumentException e) {
      return new Translation(List.of(), List.of(), List.of(), List.of(),
          List.of("not valid nginx syntax: " + e.getMessage()), List.of());
    }
    for (SnippetDirective d : directives) {
      try {
        t.translate(d);
      } catch (IllegalArgumentException e) {
        t.refusals.add(d.describe() + ": " + e.getMessage());
      }
    }
    return new Translation(List.copyOf(t.request), List.copyOf(t.response),
        List.copyOf(t.hidden), List.copyOf(t.program), List.copyOf(t.refusals),
        List.copyOf(t.notes));
  }

  private void translate(SnippetDirective d) {
    if (d.block()) {
      throw new IllegalArgumentException("a block is refused whole (Bollard translates only "
          + TRANSLATED + ", outside blocks)");
    }
    switch (d.name()) {
      case "more_set_headers" -> headersMore(d, false, false);
      case "more_clear_headers" -> headersMore(d, false, true);
      case "more_set_input_headers" -> headersMore(d, true, false);
      case "more_clear_input_headers" -> headersMore(d, true, true);
      case "add_header" -> addHeader(d);
      case "proxy_set_header" -> proxySetHeader(d);
      case "proxy_hide_header" -> {
        if (d.args().size() != 1) {
          throw new IllegalArgumentException("expected: proxy_hide_header name");
        }
        new HeaderRules.Rule(HeaderRules.Op.CLEAR, d.args().get(0), "");
        hidden.add(d.args().get(0));
      }
      case "proxy_http_version" -> {
        if (!d.args().equals(List.of("1.1"))) {
          throw new IllegalArgumentException("Bollard speaks HTTP/1.1 to upstreams (expected:"
              + " proxy_http_version 1.1, which changes nothing)");
        }
      }
      case "return" -> returnDirective(d);
      case "rewrite" -> rewrite(d);
      default -> throw new IllegalArgumentException("directive " + d.name()
          + " is not translated (Bollard never runs snippets; it translates only " + TRANSLATED
          + ")");
    }
  }

  // --- headers-more

  private void headersMore(SnippetDirective d, boolean input, boolean clear) {
    Set<Integer> statuses = new LinkedHashSet<>();
    List<String> types = new ArrayList<>();
    boolean append = false;
    boolean replaceOnly = false;
    List<String> args = d.args();
    int i = 0;
    for (; i < args.size() && args.get(i).startsWith("-"); i++) {
      String option = args.get(i);
      switch (option) {
        case "-s", "-t" -> {
          if (option.equals("-s") && input) {
            throw new IllegalArgumentException("-s is not allowed for request headers"
                + " (headers-more refuses it too)");
          }
          if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
          }
          String list = args.get(++i);
          for (String item : list.strip().split("\\s+")) {
            if (item.isEmpty()) {
              continue;
            }
            if (option.equals("-t")) {
              types.add(item);
            } else {
              statuses.add(status(item));
            }
          }
        }
        case "-a" -> {
          if (input || clear) {
            throw new IllegalArgumentException("-a is only for more_set_headers");
          }
          append = true;
        }
        case "-r" -> {
          if (!input || clear) {
            throw new IllegalArgumentException("-r is only for more_set_input_headers");
          }
          replaceOnly = true;
        }
        default -> throw new IllegalArgumentException("option " + option + " is not known");
      }
    }
    if (i >= args.size()) {
      throw new IllegalArgumentException("no header named");
    }
    for (; i < args.size(); i++) {
      String arg = args.get(i);
      String name;
      String value;
      int colon = arg.indexOf(':');
      if (clear || colon < 0) {
        name = (colon < 0 ? arg : arg.substring(0, colon)).strip();
        value = "";
      } else {
        name = arg.substring(0, colon).strip();
        value = arg.substring(colon + 1).stripLeading();
      }
      boolean prefix = name.endsWith("*");
      if (prefix) {
        name = name.substring(0, name.length() - 1);
        if (!value.isEmpty()) {
          throw new IllegalArgumentException("a name ending in * can only be cleared");
        }
      }
      HeaderRules.Op op = value.isEmpty() ? HeaderRules.Op.CLEAR
          : append ? HeaderRules.Op.ADD : HeaderRules.Op.SET;
      Edit edit = new Edit(op, name, prefix,
          value.isEmpty() ? VariableTemplate.literal("") : VariableTemplate.parse(value, 0),
          statuses, types, replaceOnly);
      if (input) {
        request.add(edit);
      } else {
        response.add(new ResponseEdit(edit, false));
      }
    }
  }

  private static int status(String item) {
    try {
      int code = Integer.parseInt(item);
      if (code >= 100 && code <= 599) {
        return code;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-s " + item + " is not a status code (expected: 100-599)");
  }

  // --- ngx_http_headers_module and ngx_http_proxy_module

  private void addHeader(SnippetDirective d) {
    List<String> args = d.args();
    if (args.size() < 2 || args.size() > 3 || (args.size() == 3 && !args.get(2).equals("always"))) {
      throw new IllegalArgumentException("expected: add_header name value [always]");
    }
    boolean always = args.size() == 3;
    response.add(new ResponseEdit(new Edit(HeaderRules.Op.ADD, args.get(0), false,
        VariableTemplate.parse(args.get(1), 0),
        always ? Set.of() : HeaderTemplates.ADD_HEADER_STATUSES, List.of(), false), true));
  }

  private void proxySetHeader(SnippetDirective d) {
    List<String> args = d.args();
    if (args.size() != 2) {
      throw new IllegalArgumentException("expected: proxy_set_header name value");
    }
    String name = args.get(0);
    String value = args.get(1);
    if (scope == Scope.SERVER) {
      notes.add(d.describe() + ": no effect, as in ingress-nginx, whose locations set headers of"
          + " their own with proxy_set_header, which replaces every one the server block sets");
      return;
    }
    if (name.equalsIgnoreCase("host")) {
      if (HOST_AS_BOLLARD_SENDS.contains(value)) {
        return;
      }
      throw new IllegalArgumentException("Host can only be what the client sent ($host,"
          + " $http_host); use the upstream-vhost annotation for another one");
    }
    // The usual keep-alive and WebSocket lines ask for what Bollard does anyway: it keeps
    // upstream connections alive and passes an upgrade on by itself.
    if ((name.equalsIgnoreCase("connection") && CONNECTION_AS_BOLLARD_SENDS.contains(value))
        || (name.equalsIgnoreCase("upgrade") && value.equals("$http_upgrade"))) {
      return;
    }
    request.add(value.isEmpty()
        ? new Edit(HeaderRules.Op.CLEAR, name, false, VariableTemplate.literal(""), Set.of(),
            List.of(), false)
        : Edit.set(name, VariableTemplate.parse(value, 0)));
  }

  // --- ngx_http_rewrite_module

  private void returnDirective(SnippetDirective d) {
    List<String> args = d.args();
    if (args.isEmpty() || args.size() > 2) {
      throw new IllegalArgumentException("expected: return code [text|URL] or return URL");
    }
    String first = args.get(0);
    if (args.size() == 1 && !first.chars().allMatch(Character::isDigit)) {
      VariableTemplate url = url(first, 0);
      if (!url.isAbsoluteUrl()) {
        throw new IllegalArgumentException("a return with only a URL needs http://, https:// or"
            + " $scheme at its start");
      }
      program.add(new RewriteProgram.Return(302, url));
      return;
    }
    int code;
    try {
      code = Integer.parseInt(first);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(first + " is not a status code");
    }
    if (code == 444 || code < 200 || code > 599) {
      throw new IllegalArgumentException("status " + code + " is not translated (expected:"
          + " 200-599, not 444)");
    }
    if (Redirect.CODES.contains(code)) {
      if (args.size() < 2) {
        throw new IllegalArgumentException("a " + code + " needs a URL");
      }
      program.add(new RewriteProgram.Return(code, url(args.get(1), 0)));
    } else {
      program.add(new RewriteProgram.Return(code,
          args.size() < 2 ? VariableTemplate.literal("") : VariableTemplate.parse(args.get(1), 0)));
    }
  }

  private void rewrite(SnippetDirective d) {
    List<String> args = d.args();
    if (args.size() < 2 || args.size() > 3) {
      throw new IllegalArgumentException("expected: rewrite regex replacement [flag]");
    }
    RewriteProgram.Regex regex = RewriteProgram.Regex.compile(args.get(0));
    String replacement = args.get(1);
    boolean appendArgs = !replacement.endsWith("?");
    if (!appendArgs) {
      replacement = replacement.substring(0, replacement.length() - 1);
    }
    // nginx reads one digit after $: $1 to $9, a capture the regex lacks is empty.
    VariableTemplate target = url(replacement, 9);
    Flag flag;
    String written = args.size() == 3 ? args.get(2) : "";
    switch (written) {
      case "permanent" -> flag = Flag.PERMANENT;
      case "redirect" -> flag = Flag.REDIRECT;
      case "break" -> flag = Flag.BREAK;
      case "last" -> throw new IllegalArgumentException("the last flag searches the locations"
          + " again with the new URI, which Bollard does not do (break keeps the route and"
          + " rewrites the upstream target)");
      case "" -> {
        if (!target.isAbsoluteUrl()) {
          throw new IllegalArgumentException("without a flag nginx searches the locations again"
              + " with the new URI, which Bollard does not do; write break, redirect or"
              + " permanent");
        }
        flag = Flag.REDIRECT;
      }
      default -> throw new IllegalArgumentException("flag " + written + " is not known"
          + " (expected: permanent, redirect or break)");
    }
    if (flag == Flag.BREAK && target.isAbsoluteUrl()) {
      flag = Flag.REDIRECT; // nginx redirects whatever the flag when the replacement has a scheme
    }
    program.add(new RewriteProgram.Rewrite(regex, target, appendArgs, flag));
  }

  /** A URL or path template: no white space or control character in what is written. */
  private static VariableTemplate url(String text, int maxCapture) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException("the URL " + SnippetDirective.quote(text)
            + " holds white space or a control character");
      }
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("the URL is empty");
    }
    return VariableTemplate.parse(text, maxCapture);
  }
}
