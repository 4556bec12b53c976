package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsSettings;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.routing.RouteTable;
import dev.bollard.proxy.step.RewriteProgram.Flag;
import dev.bollard.proxy.step.RewriteProgram.Regex;
import dev.bollard.proxy.step.VariableTemplate.Context;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The steps snippets and the redirect annotations translate to: variable templates, redirects,
 * the rewrite program and templated header edits, on requests built by hand.
 */
class SnippetStepsTest {

  // --- VariableTemplate

  @Test
  void everyKnownVariableExpandsFromTheRequest() throws Exception {
    Req r = new Req("shop.example.com", "/a/b?x=1&y=2", "/a/b", true)
        .header("X-Api-Key", "k1").header("X-Forwarded-For", "10.0.0.1");
    VariableTemplate t = VariableTemplate.parse("$scheme://${host}$request_uri|$uri|$args|"
        + "$query_string|$is_args|$remote_addr|$request_method|$http_x_api_key|$document_uri|"
        + "$proxy_add_x_forwarded_for|$req_id|$request_id", 0);

    assertThat(t.expand(r, Context.HEADER)).isEqualTo("https://shop.example.com/a/b?x=1&y=2|/a/b|"
        + "x=1&y=2|x=1&y=2|?|192.0.2.7|GET|k1|/a/b|10.0.0.1, 192.0.2.7|rid-1|rid-1");
    assertThat(VariableTemplate.parse("$args$is_args$http_absent", 0)
        .expand(new Req("h", "/p", "/p", false), Context.HEADER)).isEmpty();
  }

  @Test
  void unknownAndMalformedVariablesAreRefusedByName() {
    assertThatThrownBy(() -> VariableTemplate.parse("x $server_name y", 0))
        .hasMessageStartingWith("variable $server_name is not supported");
    assertThatThrownBy(() -> VariableTemplate.parse("$HOST", 0))
        .hasMessageStartingWith("variable $HOST is not supported");
    assertThatThrownBy(() -> VariableTemplate.parse("/new/$1", 0))
        .hasMessageContaining("$1 refers to a regex capture, and there is no regex here");
    assertThatThrownBy(() -> VariableTemplate.parse("${host", 0)).hasMessageContaining("no closing }");
    assertThatThrownBy(() -> VariableTemplate.parse("cost: 5$", 0))
        .hasMessageContaining("is not a variable name");
  }

  @Test
  void expandedValuesCannotEndAHeaderLineOrLeaveThePath() {
    // A decoded path can hold CR LF (%0d%0a): it is encoded back, in headers and in URIs.
    Req r = new Req("h", "/a%0d%0aSet-Cookie:%20x", "/a\r\nSet-Cookie: x é", false);
    assertThat(VariableTemplate.parse("v=$uri", 0).expand(r, Context.HEADER))
        .isEqualTo("v=/a%0D%0ASet-Cookie: x %C3%A9");
    assertThat(VariableTemplate.parse("/n$uri", 0).expand(r, Context.URI))
        .isEqualTo("/n/a%0D%0ASet-Cookie:%20x%20%C3%A9");
    // The raw request URI is already encoded: it is not encoded twice.
    assertThat(VariableTemplate.parse("$request_uri", 0).expand(r, Context.URI))
        .isEqualTo("/a%0d%0aSet-Cookie:%20x");
  }

  // --- Redirect

  @Test
  void aRedirectSendsItsLocationAsWrittenAndMakesAPathAbsolute() {
    Req r = new Req("shop.example.com", "/old?q=1", "/old", false);
    FullHttpResponse plain = answer(new Redirect(301,
        VariableTemplate.parse("https://new.example.com", 0), "permanent-redirect").decide(r));
    assertThat(plain.status().code()).isEqualTo(301);
    assertThat(plain.headers().get("location")).isEqualTo("https://new.example.com");
    assertThat(plain.content().toString(StandardCharsets.UTF_8))
        .isEqualTo("301 Moved Permanently: https://new.example.com\n");
    plain.release();

    FullHttpResponse relative = answer(new Redirect(307,
        VariableTemplate.parse("/moved$request_uri", 0), "x").decide(r));
    assertThat(relative.headers().get("location")).isEqualTo("http://shop.example.com/moved/old?q=1");
    relative.release();

    assertThatThrownBy(() -> new Redirect(300, VariableTemplate.literal("http://a"), "x"))
        .hasMessageContaining("expected: 301, 302, 303, 307 or 308");
  }

  @Test
  void aRouteRedirectRunsBeforeTheHttpsRedirect() {
    RouteSource source = RouteSource.ingress("shop", "old");
    Route route = new Route(new PathMatch.Prefix("/"), new Backend("shop/app:80", List.of()),
        source).withFeatures(List.of(new Redirect(301,
            VariableTemplate.literal("https://new.example.com"), "permanent-redirect")));
    RoutingSnapshot snapshot = new RoutingSnapshot(1,
        List.of(new VirtualHost("old.example.com", List.of(route))), null,
        GlobalSettings.DEFAULTS).withTls(new TlsSettings(List.of(), Map.of(), Set.of(source)));

    assertThat(RouteTable.compile(snapshot).match("old.example.com", "/").steps().names())
        .containsExactly("acme-challenge", "permanent-redirect", "force-ssl-redirect");
  }

  // --- RewriteProgram

  @Test
  void aMatchingRewriteRedirectsWithItsCapturesAndTheQuery() {
    RewriteProgram program = new RewriteProgram(List.of(
        new RewriteProgram.Rewrite(Regex.compile("^/old/(.*)$"),
            VariableTemplate.parse("/new/$1", 9), true, Flag.PERMANENT)));
    FullHttpResponse moved = answer(program.decide(
        new Req("shop.example.com", "/old/a%20b?x=1", "/old/a b", true)));
    assertThat(moved.status().code()).isEqualTo(301);
    assertThat(moved.headers().get("location"))
        .isEqualTo("https://shop.example.com/new/a%20b?x=1");
    moved.release();

    assertThat(program.decide(new Req("h", "/other", "/other", false)))
        .isSameAs(StepOutcome.PASS);
  }

  @Test
  void aReplacementEndingInAQuestionMarkDropsTheQueryAndOneWithAQueryGetsItAfterAnAmpersand() {
    Req r = new Req("h", "/a?x=1", "/a", false);
    RewriteProgram drop = new RewriteProgram(List.of(new RewriteProgram.Rewrite(
        Regex.compile("^/a"), VariableTemplate.literal("http://b.example/z"), false, Flag.REDIRECT)));
    RewriteProgram join = new RewriteProgram(List.of(new RewriteProgram.Rewrite(
        Regex.compile("^/a"), VariableTemplate.literal("/z?k=v"), true, Flag.REDIRECT)));
    FullHttpResponse dropped = answer(drop.decide(r));
    FullHttpResponse joined = answer(join.decide(r));
    assertThat(dropped.status().code()).isEqualTo(302);
    assertThat(dropped.headers().get("location")).isEqualTo("http://b.example/z");
    assertThat(joined.headers().get("location")).isEqualTo("http://h/z?k=v&x=1");
    dropped.release();
    joined.release();
  }

  @Test
  void aBreakRewriteChangesTheUpstreamTargetAndStopsTheProgram() {
    RewriteProgram program = new RewriteProgram(List.of(
        new RewriteProgram.Rewrite(Regex.compile("^/api/(v[0-9]+)/(.*)"),
            VariableTemplate.parse("/$2/$1", 9), true, Flag.BREAK),
        new RewriteProgram.Return(403, VariableTemplate.literal("no"))));
    Req api = new Req("h", "/api/v2/users?id=3", "/api/v2/users", false);
    assertThat(program.decide(api)).isSameAs(StepOutcome.PASS);
    HttpRequest upstream = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        "/api/v2/users?id=3");
    program.toUpstream(api, upstream);
    assertThat(upstream.uri()).isEqualTo("/users/v2?id=3");

    FullHttpResponse refused = answer(program.decide(new Req("h", "/web", "/web", false)));
    assertThat(refused.status().code()).isEqualTo(403);
    assertThat(refused.content().toString(StandardCharsets.UTF_8)).isEqualTo("no");
    refused.release();
  }

  @Test
  void aBareReturnSendsNoBodyForNoContentAndTheProxysLineForAnError() {
    Req r = new Req("h", "/", "/", false);
    FullHttpResponse empty = answer(new RewriteProgram(List.of(
        new RewriteProgram.Return(204, VariableTemplate.literal("")))).decide(r));
    assertThat(empty.status().code()).isEqualTo(204);
    assertThat(empty.headers().names()).isEmpty();
    assertThat(empty.content().readableBytes()).isZero();
    empty.release();

    FullHttpResponse denied = answer(new RewriteProgram(List.of(
        new RewriteProgram.Return(403, VariableTemplate.literal("")))).decide(r));
    assertThat(denied.content().toString(StandardCharsets.UTF_8)).isEqualTo("403 Forbidden\n");
    denied.release();
  }

  @Test
  void re2RefusesWhatWouldBacktrack() {
    assertThatThrownBy(() -> Regex.compile("^/(?!admin)")).hasMessageContaining("not valid RE2");
    assertThat(Regex.compile("^/a(.*)").equals(Regex.compile("^/a(.*)"))).isTrue();
  }

  // --- HeaderTemplates

  @Test
  void responseEditsHonourStatusTypeAndAddHeaderRules() {
    HeaderTemplates step = new HeaderTemplates(List.of(), List.of(
        new HeaderTemplates.Edit(HeaderRules.Op.SET, "X-Only-404", false,
            VariableTemplate.literal("1"), Set.of(404), List.of(), false),
        new HeaderTemplates.Edit(HeaderRules.Op.SET, "X-Html", false,
            VariableTemplate.literal("1"), Set.of(), List.of("text/html"), false),
        new HeaderTemplates.Edit(HeaderRules.Op.ADD, "X-Added", false,
            VariableTemplate.literal("ok"), HeaderTemplates.ADD_HEADER_STATUSES, List.of(), false),
        new HeaderTemplates.Edit(HeaderRules.Op.CLEAR, "X-Hidden-", true,
            VariableTemplate.literal(""), Set.of(), List.of(), false),
        HeaderTemplates.Edit.set("X-Host", VariableTemplate.parse("$host", 0))));
    Req r = new Req("shop.example.com", "/", "/", false);

    HttpResponse ok = response(200, "text/html; charset=utf-8");
    ok.headers().add("X-Hidden-A", "1").add("x-hidden-b", "2").add("X-Kept", "3");
    step.toClient(r, ok);
    assertThat(ok.headers().get("X-Only-404")).isNull();
    assertThat(ok.headers().get("X-Html")).isEqualTo("1");
    assertThat(ok.headers().get("X-Added")).isEqualTo("ok");
    assertThat(ok.headers().names()).doesNotContain("X-Hidden-A", "x-hidden-b").contains("X-Kept");
    assertThat(ok.headers().get("X-Host")).isEqualTo("shop.example.com");

    HttpResponse missing = response(404, "application/json");
    step.toClient(r, missing);
    assertThat(missing.headers().get("X-Only-404")).isEqualTo("1");
    assertThat(missing.headers().get("X-Html")).isNull();
    assertThat(missing.headers().get("X-Added")).isNull();
  }

  @Test
  void hiddenHeadersLeaveUpstreamResponsesOnly() {
    HeaderTemplates step = new HeaderTemplates(List.of(), List.of(), List.of("X-Powered-By"));
    Req r = new Req("h", "/", "/", false);
    HttpResponse upstream = response(200, "text/plain");
    upstream.headers().set("X-Powered-By", "php");
    step.fromUpstream(r, upstream);
    assertThat(upstream.headers().contains("X-Powered-By")).isFalse();
    HttpResponse local = response(302, "text/plain");
    local.headers().set("X-Powered-By", "bollard");
    step.toClient(r, local);
    assertThat(local.headers().get("X-Powered-By")).isEqualTo("bollard");
  }

  @Test
  void aWildcardClearNeverRemovesTheHeadersThatFrameTheMessage() {
    HeaderTemplates step = new HeaderTemplates(List.of(), List.of(new HeaderTemplates.Edit(
        HeaderRules.Op.CLEAR, "", true, VariableTemplate.literal(""), Set.of(), List.of(),
        false)));
    HttpResponse r = response(200, "text/plain");
    r.headers().set("Content-Length", "3").set("Transfer-Encoding", "chunked").set("X-A", "1");
    step.toClient(new Req("h", "/", "/", false), r);
    assertThat(r.headers().names()).containsExactlyInAnyOrder("Content-Length", "Transfer-Encoding");
  }

  @Test
  void requestEditsReplaceOnlyWhenAskedAndAnEmptyExpansionRemoves() {
    HeaderTemplates step = new HeaderTemplates(List.of(
        new HeaderTemplates.Edit(HeaderRules.Op.SET, "X-Only-If", false,
            VariableTemplate.literal("new"), Set.of(), List.of(), true),
        HeaderTemplates.Edit.set("X-Real-Scheme", VariableTemplate.parse("$scheme", 0)),
        HeaderTemplates.Edit.set("X-Gone", VariableTemplate.parse("$http_absent", 0))),
        List.of());
    HttpRequest upstream = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    upstream.headers().set("X-Gone", "old");
    step.toUpstream(new Req("h", "/", "/", true), upstream);
    assertThat(upstream.headers().get("X-Only-If")).isNull();
    assertThat(upstream.headers().get("X-Real-Scheme")).isEqualTo("https");
    assertThat(upstream.headers().get("X-Gone")).isNull();
  }

  @Test
  void editsRefuseProtectedNamesAndControlCharactersInTheirLiteralText() {
    assertThatThrownBy(() -> HeaderTemplates.Edit.set("Content-Length",
        VariableTemplate.literal("1"))).hasMessageContaining("cannot be changed");
    assertThatThrownBy(() -> HeaderTemplates.Edit.set("X-A",
        VariableTemplate.parse("a\r\nX-Injected: 1", 0))).hasMessageContaining("control");
  }

  // --- helpers

  private static FullHttpResponse answer(StepOutcome outcome) {
    assertThat(outcome).isInstanceOf(StepOutcome.Answer.class);
    return ((StepOutcome.Answer) outcome).response(true);
  }

  private static HttpResponse response(int status, String type) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(status));
    r.headers().set("Content-Type", type);
    return r;
  }

  /** A request as a step sees it: host, URI as received, routed path, scheme, headers. */
  private static final class Req extends TestStepRequest {
    private final String path;
    private final boolean secure;
    private final RequestFacts facts;

    Req(String host, String uri, String path, boolean secure) {
      super(host, new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
      this.path = path;
      this.secure = secure;
      this.facts = RequestFacts.begin(head(), client(), LogSettings.DEFAULTS);
      facts.requestId("rid-1");
    }

    Req header(String name, String value) {
      head().headers().add(name, value);
      return this;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public boolean secure() {
      return secure;
    }

    @Override
    public InetAddress client() {
      try {
        return InetAddress.getByName("192.0.2.7");
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public RequestFacts facts() {
      return facts;
    }
  }
}
