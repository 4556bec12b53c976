package dev.bollard.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFormatTest {

  private static RequestFacts facts(String uri, LogSettings settings) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    req.headers().set("Host", "shop.test").set("User-Agent", "curl/8").set("Referer", "http://r/");
    RequestFacts f = RequestFacts.begin(req, java.net.InetAddress.getLoopbackAddress(), settings);
    f.requestId("abc");
    f.route("prod", "web", "prod/web:http");
    f.upstreamStarted();
    f.upstreamConnected("10.0.0.1:8080");
    f.upstreamResponded(200);
    f.bytesOut(5);
    return f;
  }

  @Test
  void jsonLineHasEveryFieldAndCapturedHeaders() {
    LogSettings s = LogSettings.DEFAULTS.withCapture(
        CaptureRules.parse(List.of("X-User-Id:user_id"), List.of("X-Log-"), false));
    RequestFacts f = facts("/a?b=1", s);
    HttpHeaders resp = new DefaultHttpHeaders()
        .set("X-User-Id", "42").set("X-Log-Account", "acme").set("Content-Type", "text/plain");
    s.capture().capture(resp, f, s.maxValueLength());
    f.complete(200);
    StringBuilder out = new StringBuilder();
    JsonLineFormat.INSTANCE.append(f, out);
    String line = out.toString();
    for (String field : JsonLineFormat.FIELDS) {
      assertThat(line).contains("\"" + field + "\":");
    }
    assertThat(line).contains("\"user_id\":\"42\"", "\"account\":\"acme\"", "\"service\":\"web\"",
        "\"service_port\":\"http\"", "\"query\":\"b=1\"", "\"upstream_addr\":\"10.0.0.1:8080\"");
    assertThat(resp.names()).containsExactly("Content-Type");
  }

  @Test
  void aHostileHeaderCannotForgeALine() {
    LogSettings s = LogSettings.DEFAULTS.withCapture(
        CaptureRules.parse(List.of("X-User"), List.of(), false));
    RequestFacts f = facts("/", s);
    s.capture().capture(new DefaultHttpHeaders(false)
        .set("X-User", "bob\"}\n{\"status\":500,\"x\":\"\u0001\u00e9"), f, 2048);
    f.complete(200);
    StringBuilder json = new StringBuilder();
    JsonLineFormat.INSTANCE.append(f, json);
    assertThat(json.toString()).doesNotContain("\n", "\r", "\u0001")
        .contains("\"x_user\":\"bob\\\"}\\n{\\\"status\\\":500,\\\"x\\\":\\\"\\u0001\\u00E9\"");
    StringBuilder text = new StringBuilder();
    TextLineFormat.compile("\"$upstream_http_x_user\" $status").append(f, text);
    assertThat(text.toString())
        .isEqualTo("\"bob\\x22}\\x0A{\\x22status\\x22:500,\\x22x\\x22:\\x22\\x01\\xE9\" 200");
  }

  @Test
  void valuesAreCut() {
    LogSettings s = new LogSettings(CaptureRules.parse(List.of("X-Big"), List.of(), false),
        QueryRedaction.NONE, null, false, List.of(), 16);
    RequestFacts f = facts("/", s);
    s.capture().capture(new DefaultHttpHeaders().set("X-Big", "x".repeat(100)), f, 16);
    f.complete(200);
    StringBuilder json = new StringBuilder();
    JsonLineFormat.INSTANCE.append(f, json);
    assertThat(json.toString()).contains("\"x_big\":\"" + "x".repeat(16) + "...\"");
  }

  @Test
  void textTemplateUsesNginxNames() {
    RequestFacts f = facts("/p?token=s3cret&x=1",
        new LogSettings(CaptureRules.NONE, QueryRedaction.redact(List.of("token")), null, false,
            List.of(), 2048));
    f.user("alice");
    f.complete(201);
    StringBuilder out = new StringBuilder();
    TextLineFormat.compile(
        "$remote_addr $remote_user \"$request\" $status $body_bytes_sent $http_user_agent"
            + " $namespace/$ingress_name/$service_name $upstream_addr $upstream_status $req_id"
            + " ${proxy_upstream_name} $ssl_protocol").append(f, out);
    assertThat(out.toString()).isEqualTo(
        "127.0.0.1 alice \"GET /p?token=REDACTED&x=1 HTTP/1.1\" 201 5 curl/8 prod/web/web"
            + " 10.0.0.1:8080 200 abc prod-web-http -");
    assertThat(LogSettings.upstreamHeadersOf("$upstream_http_x_runtime")).containsExactly(
        "x-runtime");
  }

  @Test
  void defaultTemplateCompilesAndBadOnesAreNamed() {
    LogSettings.checkTemplate(LogSettings.DEFAULT_TEXT_TEMPLATE);
    assertThatThrownBy(() -> LogSettings.checkTemplate("$remote_addr $nope"))
        .hasMessageContaining("$nope");
    assertThatThrownBy(() -> LogSettings.checkTemplate("a\nb")).hasMessageContaining("line break");
  }

  @Test
  void queryCanBeDropped() {
    assertThat(new QueryRedaction(true, java.util.Set.of()).apply("a=1")).isEmpty();
    assertThat(QueryRedaction.redact(List.of("Password")).apply("password=x&b&password=y"))
        .isEqualTo("password=REDACTED&b&password=REDACTED");
  }

  @Test
  void captureRulesRejectBadEntries() {
    assertThatThrownBy(() -> CaptureRules.parse(List.of("X Bad"), List.of(), false))
        .hasMessageContaining("\"X Bad\"");
    assertThatThrownBy(() -> CaptureRules.parse(List.of("X-A:Bad-Field"), List.of(), false))
        .hasMessageContaining("Bad-Field");
  }
}
