package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** nginx's token rules, as {@link SnippetParser} reads a snippet. */
class SnippetParserTest {

  @Test
  void wordsQuotesAndSemicolonsMakeDirectives() {
    assertThat(SnippetParser.parse("""
        more_set_headers "X-Frame-Options: DENY" 'X-A: b';
          more_clear_headers Server   X-Powered-By;
        add_header X-Two "a;b" always;proxy_set_header X-Scheme $scheme;
        """)).containsExactly(
            new SnippetDirective("more_set_headers", List.of("X-Frame-Options: DENY", "X-A: b"),
                1, false),
            new SnippetDirective("more_clear_headers", List.of("Server", "X-Powered-By"), 2,
                false),
            new SnippetDirective("add_header", List.of("X-Two", "a;b", "always"), 3, false),
            new SnippetDirective("proxy_set_header", List.of("X-Scheme", "$scheme"), 3, false));
  }

  @Test
  void escapesFollowNginx() {
    assertThat(SnippetParser.parse("a \"q\\\"uote\" 'it\\'s' back\\\\slash tab\\tx \\d \\;;"))
        .singleElement().extracting(SnippetDirective::args).isEqualTo(
            List.of("q\"uote", "it's", "back\\slash", "tab\tx", "\\d", "\\;"));
    // An escaped newline inside quotes is a newline in the value (the translator refuses it).
    assertThat(SnippetParser.parse("more_set_headers \"X-A: 1\\r\\nX-Injected: 2\";"))
        .singleElement().extracting(d -> d.args().get(0)).isEqualTo("X-A: 1\r\nX-Injected: 2");
  }

  @Test
  void commentsStartOnlyWhereAWordCould() {
    assertThat(SnippetParser.parse("""
        # the seed team's headers
        more_set_headers "X-A: #1"; # trailing comment ; {
        return 301 https://example.com/#top;
        """)).extracting(SnippetDirective::args).containsExactly(
            List.of("X-A: #1"), List.of("301", "https://example.com/#top"));
  }

  @Test
  void aBlockIsOneDirectiveAndItsContentIsNotKept() {
    assertThat(SnippetParser.parse("""
        if ($http_user_agent ~* "(Mobile)") {
          return 301 https://m.example.com;
          location /x { deny all; }
        }
        more_clear_headers Server;
        rewrite ^/(.*)${host}$ /$1 break;
        """)).containsExactly(
            new SnippetDirective("if", List.of("($http_user_agent", "~*", "(Mobile)", ")"), 1,
                true),
            new SnippetDirective("more_clear_headers", List.of("Server"), 5, false),
            new SnippetDirective("rewrite", List.of("^/(.*)${host}$", "/$1", "break"), 6, false));
  }

  @Test
  void whatNginxWouldNotLoadIsRefusedWithItsLine() {
    assertThatThrownBy(() -> SnippetParser.parse("more_clear_headers Server"))
        .hasMessage("line 1: directive more_clear_headers does not end with ;");
    assertThatThrownBy(() -> SnippetParser.parse("a b;\nmore_set_headers \"X: 1;\n"))
        .hasMessage("line 2: the \" quote is not closed");
    assertThatThrownBy(() -> SnippetParser.parse("location / {\n  return 200;\n"))
        .hasMessage("the block opened on line 1 is not closed with }");
    assertThatThrownBy(() -> SnippetParser.parse("a;\n}"))
        .hasMessage("line 2: unexpected }");
    assertThatThrownBy(() -> SnippetParser.parse("more_set_headers \"X: 1\"x;"))
        .hasMessage("line 1: unexpected x after the closing \"");
    assertThatThrownBy(() -> SnippetParser.parse("; a;")).hasMessage("line 1: unexpected ;");
    assertThat(SnippetParser.parse("  \n # only a comment\n")).isEmpty();
  }
}
