package dev.bollard.controller.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the text of an nginx snippet into {@link SnippetDirective}s, by nginx's own token rules
 * ({@code ngx_conf_read_token}): words separated by white space; {@code "…"} and {@code '…'}
 * quoting, after which white space, {@code ;}, <code>{</code> or {@code )} must follow;
 * backslash escapes ({@code \"}, {@code \'}, {@code \\} become the character, {@code \t},
 * {@code \r}, {@code \n} the control character, any other stays as written); {@code #} starts a
 * comment only where a word could start; {@code ;} ends a directive; <code>{</code> opens a block
 * (except in <code>${name}</code>) that runs to its matching <code>}</code>.
 *
 * <p>Nothing is executed or looked up: the result is only a list of names and arguments. A text
 * nginx would not load either (an unterminated quote or directive, an unbalanced brace) is refused
 * whole with the line where it goes wrong.
 */
final class SnippetParser {

  private final String text;
  private int at;
  private int line = 1;

  private SnippetParser(String text) {
    this.text = text;
  }

  /**
   * The directives of {@code text}, in order.
   *
   * @throws IllegalArgumentException saying what is wrong and on which line
   */
  static List<SnippetDirective> parse(String text) {
    return new SnippetParser(text).directives();
  }

  private List<SnippetDirective> directives() {
    List<SnippetDirective> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    int start = 1;
    int depth = 0;
    int blockLine = 0;
    while (true) {
      skipSpaceAndComments();
      if (at >= text.length()) {
        break;
      }
      char c = text.charAt(at);
      if (c == ';' || c == '{' || c == '}') {
        at++;
        if (c == '}') {
          if (depth == 0) {
            throw error("unexpected }");
          }
          depth--;
          words.clear();
          continue;
        }
        if (depth > 0) {
          depth += c == '{' ? 1 : 0;
          words.clear();
          continue;
        }
        if (words.isEmpty()) {
          throw error("unexpected " + c);
        }
        out.add(new SnippetDirective(words.get(0), words.subList(1, words.size()), start,
            c == '{'));
        if (c == '{') {
          depth = 1;
          blockLine = start;
        }
        words.clear();
        continue;
      }
      if (words.isEmpty()) {
        start = line;
      }
      words.add(c == '"' || c == '\'' ? quoted(c) : word());
    }
    if (depth > 0) {
      throw new IllegalArgumentException("the block opened on line " + blockLine
          + " is not closed with }");
    }
    if (!words.isEmpty()) {
      throw new IllegalArgumentException("line " + start + ": directive " + words.get(0)
          + " does not end with ;");
    }
    return List.copyOf(out);
  }

  private void skipSpaceAndComments() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '#') {
        while (at < text.length() && text.charAt(at) != '\n') {
          at++;
        }
      } else if (Character.isWhitespace(c)) {
        if (c == '\n') {
          line++;
        }
        at++;
      } else {
        return;
      }
    }
  }

  private String quoted(char quote) {
    int opened = line;
    at++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw new IllegalArgumentException("line " + opened + ": the " + quote
            + " quote is not closed");
      }
      char c = text.charAt(at++);
      if (c == quote) {
        break;
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\\' && at < text.length()) {
        at = escape(out, at);
        continue;
      }
      out.append(c);
    }
    if (at < text.length()) {
      char next = text.charAt(at);
      // As nginx: a ")" may follow (it starts the next word, as in if ($a = "b")).
      if (!Character.isWhitespace(next) && next != ';' && next != '{' && next != ')') {
        throw error("unexpected " + next + " after the closing " + quote);
      }
    }
    return out.toString();
  }

  private String word() {
    StringBuilder out = new StringBuilder();
    boolean inVariable = false;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '\\' && at + 1 < text.length()) {
        at = escape(out, at + 1);
        continue;
      }
      if (inVariable) {
        inVariable = c != '}';
      } else if (Character.isWhitespace(c) || c == ';' || c == '}') {
        break;
      } else if (c == '{') {
        if (!out.isEmpty() && out.charAt(out.length() - 1) == '$') {
          inVariable = true;
        } else {
          break;
        }
      }
      out.append(c);
      at++;
    }
    return out.toString();
  }

  /** Resolves the escape whose character is at {@code i}; returns the index after it. */
  private int escape(StringBuilder out, int i) {
    char e = text.charAt(i);
    switch (e) {
      case '"', '\'', '\\' -> out.append(e);
      case 't' -> out.append('\t');
      case 'r' -> out.append('\r');
      case 'n' -> out.append('\n');
      default -> {
        out.append('\\').append(e);
        if (e == '\n') {
          line++;
        }
      }
    }
    return i + 1;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("line " + line + ": " + what);
  }
}
