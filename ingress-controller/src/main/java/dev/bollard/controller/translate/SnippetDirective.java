package dev.bollard.controller.translate;

import java.util.List;

/**
 * One directive of an nginx snippet as {@link SnippetParser} read it: {@code name arg…;}, or a
 * block {@code name arg… { … }} whose content is not kept (Bollard refuses a block whole).
 *
 * @param name the directive's name, as written
 * @param args its arguments, quotes removed and escapes resolved as nginx does
 * @param line the line it starts on, from 1
 * @param block whether it opens a block instead of ending with {@code ;}
 */
record SnippetDirective(String name, List<String> args, int line, boolean block) {

  SnippetDirective {
    args = List.copyOf(args);
  }

  /** How a problem quotes it: {@code line 2: more_set_headers "X-A: b"} (a block ends in {@code { … }}). */
  String describe() {
    StringBuilder b = new StringBuilder("line ").append(line).append(": ").append(name);
    for (String a : args) {
      b.append(' ').append(needsQuotes(a) ? quote(a) : a);
    }
    return b.append(block ? " { … }" : ";").toString();
  }

  private static boolean needsQuotes(String a) {
    if (a.isEmpty()) {
      return true;
    }
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      if (c <= ' ' || c == '"' || c == '\'' || c == ';' || c == '{' || c == '}' || c == '\\'
          || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** {@code a} in double quotes, with quotes, backslashes and control characters escaped. */
  static String quote(String a) {
    StringBuilder b = new StringBuilder(a.length() + 2).append('"');
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      switch (c) {
        case '"', '\\' -> b.append('\\').append(c);
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
