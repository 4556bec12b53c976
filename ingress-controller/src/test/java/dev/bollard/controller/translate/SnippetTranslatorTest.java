package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.translate.SnippetTranslator.ResponseEdit;
import dev.bollard.controller.translate.SnippetTranslator.Scope;
import dev.bollard.controller.translate.SnippetTranslator.Translation;
import dev.bollard.proxy.headers.HeaderRules.Op;
import dev.bollard.proxy.step.HeaderTemplates;
import dev.bollard.proxy.step.HeaderTemplates.Edit;
import dev.bollard.proxy.step.RewriteProgram;
import dev.bollard.proxy.step.RewriteProgram.Flag;
import dev.bollard.proxy.step.RewriteProgram.Regex;
import dev.bollard.proxy.step.VariableTemplate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every directive form {@link SnippetTranslator} translates, and what it refuses. */
class SnippetTranslatorTest {

  private static Translation location(String text) {
    return SnippetTranslator.translate(text, Scope.LOCATION);
  }

  private static Edit edit(Op op, String name, String value, Set<Integer> statuses,
      List<String> types) {
    return new Edit(op, name, false,
        value.isEmpty() ? VariableTemplate.literal("") : VariableTemplate.parse(value, 0),
        statuses, types, false);
  }

  @Test
  void headersMoreFormsBecomeResponseEdits() {
    Translation t = location("""
        more_set_headers "X-Frame-Options: DENY" 'X-Real: $scheme' "X-Empty:" X-Bare;
        more_set_headers -s 404 -s '500 503' -t 'text/html text/plain' "X-Err: 1";
        more_set_headers -a "Link: <a>";
        more_clear_headers Server 'X-Hidden-*';
        more_clear_headers -s 200 X-Debug;
        proxy_hide_header X-Powered-By;
        """);
    assertThat(t.refusals()).isEmpty();
    assertThat(t.response()).extracting(ResponseEdit::edit).containsExactly(
        edit(Op.SET, "X-Frame-Options", "DENY", Set.of(), List.of()),
        edit(Op.SET, "X-Real", "$scheme", Set.of(), List.of()),
        edit(Op.CLEAR, "X-Empty", "", Set.of(), List.of()),
        edit(Op.CLEAR, "X-Bare", "", Set.of(), List.of()),
        edit(Op.SET, "X-Err", "1", Set.of(404, 500, 503), List.of("text/html", "text/plain")),
        edit(Op.ADD, "Link", "<a>", Set.of(), List.of()),
        edit(Op.CLEAR, "Server", "", Set.of(), List.of()),
        new Edit(Op.CLEAR, "X-Hidden-", true, VariableTemplate.literal(""), Set.of(), List.of(),
            false),
        edit(Op.CLEAR, "X-Debug", "", Set.of(200), List.of()));
    assertThat(t.hidden()).containsExactly("X-Powered-By");
    assertThat(t.request()).isEmpty();
    assertThat(t.program()).isEmpty();
  }

  @Test
  void inputHeadersAndProxySetHeaderBecomeRequestEdits() {
    Translation t = location("""
        more_set_input_headers "X-Real-Scheme: $scheme";
        more_set_input_headers -r -t application/json "X-Json: yes";
        more_clear_input_headers Cookie 'X-Internal-*';
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header Accept-Encoding "";
        proxy_set_header Host $host;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Connection "";
        """);
    assertThat(t.refusals()).isEmpty();
    assertThat(t.request()).containsExactly(
        edit(Op.SET, "X-Real-Scheme", "$scheme", Set.of(), List.of()),
        new Edit(Op.SET, "X-Json", false, VariableTemplate.literal("yes"), Set.of(),
            List.of("application/json"), true),
        edit(Op.CLEAR, "Cookie", "", Set.of(), List.of()),
        new Edit(Op.CLEAR, "X-Internal-", true, VariableTemplate.literal(""), Set.of(), List.of(),
            false),
        edit(Op.SET, "X-Real-IP", "$remote_addr", Set.of(), List.of()),
        edit(Op.SET, "X-Forwarded-For", "$proxy_add_x_forwarded_for", Set.of(), List.of()),
        edit(Op.CLEAR, "Accept-Encoding", "", Set.of(), List.of()));
  }

  @Test
  void addHeaderAddsOnSuccessAndRedirectsUnlessAlways() {
    Translation t = location("add_header X-A 1;\nadd_header X-B $host always;");
    assertThat(t.response()).containsExactly(
        new ResponseEdit(edit(Op.ADD, "X-A", "1", HeaderTemplates.ADD_HEADER_STATUSES, List.of()),
            true),
        new ResponseEdit(edit(Op.ADD, "X-B", "$host", Set.of(), List.of()), true));
  }

  @Test
  void returnAndRewriteBecomeOneProgramInOrder() {
    Translation t = location("""
        rewrite ^/old/(.*)$ /new/$1 permanent;
        rewrite ^/tmp/(.*) /t/$1? redirect;
        rewrite ^/api/(.*) /v2/$1 break;
        rewrite ^/ext https://ext.example.com$request_uri;
        return 301 https://example.com$request_uri;
        return https://other.example.com;
        return 403 "forbidden: $uri";
        return 204;
        """);
    assertThat(t.refusals()).isEmpty();
    assertThat(t.program()).containsExactly(
        new RewriteProgram.Rewrite(Regex.compile("^/old/(.*)$"),
            VariableTemplate.parse("/new/$1", 9), true, Flag.PERMANENT),
        new RewriteProgram.Rewrite(Regex.compile("^/tmp/(.*)"), VariableTemplate.parse("/t/$1", 9),
            false, Flag.REDIRECT),
        new RewriteProgram.Rewrite(Regex.compile("^/api/(.*)"),
            VariableTemplate.parse("/v2/$1", 9), true, Flag.BREAK),
        new RewriteProgram.Rewrite(Regex.compile("^/ext"),
            VariableTemplate.parse("https://ext.example.com$request_uri", 9), true, Flag.REDIRECT),
        new RewriteProgram.Return(301, VariableTemplate.parse("https://example.com$request_uri", 0)),
        new RewriteProgram.Return(302, VariableTemplate.parse("https://other.example.com", 0)),
        new RewriteProgram.Return(403, VariableTemplate.parse("forbidden: $uri", 0)),
        new RewriteProgram.Return(204, VariableTemplate.literal("")));
  }

  @Test
  void everyOtherDirectiveIsRefusedByName() {
    Translation t = location("""
        more_set_headers "X-Ok: 1";
        lua_need_request_body on;
        proxy_pass http://evil.example.com;
        set $x 1;
        include /etc/nginx/secrets;
        access_by_lua_block { ngx.exit(200) }
        if ($request_method = POST) { return 405; }
        """);
    assertThat(t.refusals()).containsExactly(
        "line 2: lua_need_request_body on;: directive lua_need_request_body is not translated"
            + " (Bollard never runs snippets; it translates only " + SnippetTranslator.TRANSLATED
            + ")",
        "line 3: proxy_pass http://evil.example.com;: directive proxy_pass is not translated"
            + " (Bollard never runs snippets; it translates only " + SnippetTranslator.TRANSLATED
            + ")",
        "line 4: set $x 1;: directive set is not translated (Bollard never runs snippets; it"
            + " translates only " + SnippetTranslator.TRANSLATED + ")",
        "line 5: include /etc/nginx/secrets;: directive include is not translated (Bollard never"
            + " runs snippets; it translates only " + SnippetTranslator.TRANSLATED + ")",
        "line 6: access_by_lua_block { … }: a block is refused whole (Bollard translates only "
            + SnippetTranslator.TRANSLATED + ", outside blocks)",
        "line 7: if ($request_method = POST) { … }: a block is refused whole (Bollard translates"
            + " only " + SnippetTranslator.TRANSLATED + ", outside blocks)");
  }

  @Test
  void badValuesAreRefusedNamingWhatIsWrong() {
    Translation t = location("""
        more_set_headers "X-Name: $server_name";
        more_set_headers "X-A: 1\\r\\nX-Injected: 2";
        more_set_headers "Content-Length: 0";
        more_set_input_headers -s 404 "X-A: 1";
        more_set_headers -x "X-A: 1";
        more_set_headers -s 999 "X-A: 1";
        proxy_set_header Host evil.example.com;
        proxy_http_version 1.0;
        proxy_set_header Connection close;
        add_header X-A;
        return 301;
        return 444;
        return 301 "https://a.example/x y";
        rewrite ^/(?!admin) /x permanent;
        rewrite ^/a /b last;
        rewrite ^/a /b;
        rewrite ^/a /b$uri_x redirect;
        """);
    assertThat(t.refusals()).satisfiesExactly(
        r -> assertThat(r).startsWith("line 1: more_set_headers \"X-Name: $server_name\";:"
            + " variable $server_name is not supported (supported: $host"),
        r -> assertThat(r).startsWith("line 2: more_set_headers \"X-A: 1\\r\\nX-Injected: 2\";:")
            .contains("control"),
        r -> assertThat(r).contains("Content-Length cannot be changed"),
        r -> assertThat(r).contains("-s is not allowed for request headers"),
        r -> assertThat(r).endsWith("option -x is not known"),
        r -> assertThat(r).endsWith("-s 999 is not a status code (expected: 100-599)"),
        r -> assertThat(r).contains("Host can only be what the client sent"),
        r -> assertThat(r).contains("Bollard speaks HTTP/1.1 to upstreams"),
        r -> assertThat(r).contains("Connection cannot be changed"),
        r -> assertThat(r).endsWith("expected: add_header name value [always]"),
        r -> assertThat(r).endsWith("a 301 needs a URL"),
        r -> assertThat(r).endsWith("status 444 is not translated (expected: 200-599, not 444)"),
        r -> assertThat(r).contains("holds white space or a control character"),
        r -> assertThat(r).contains("is not valid RE2 syntax"),
        r -> assertThat(r).contains("the last flag searches the locations again"),
        r -> assertThat(r).contains("without a flag nginx searches the locations again"),
        r -> assertThat(r).contains("variable $uri_x is not supported"));
  }

  @Test
  void aSnippetThatDoesNotParseIsOneRefusal() {
    assertThat(location("more_set_headers \"X-A: 1").refusals())
        .containsExactly("not valid nginx syntax: line 1: the \" quote is not closed");
  }

  @Test
  void aServerSnippetsProxySetHeaderHasNoEffectAsInIngressNginx() {
    Translation t = SnippetTranslator.translate("proxy_set_header X-A 1;\nmore_clear_headers"
        + " Server;", Scope.SERVER);
    assertThat(t.refusals()).isEmpty();
    assertThat(t.request()).isEmpty();
    assertThat(t.notes()).singleElement().asString()
        .startsWith("line 1: proxy_set_header X-A 1;: no effect, as in ingress-nginx");
    assertThat(t.response()).hasSize(1);
  }
}
