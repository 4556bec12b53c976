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

  private static String json(RequestFacts f) {
    LineBuffer out = new LineBuffer(64);
    JsonLineFormat.INSTANCE.append(f, out);
    return out.toString();
  }

  private static String text(String template, RequestFacts f) {
    LineBuffer out = new LineBuffer(64);
    TextLineFormat.compile(template).append(f, out);
    return out.toString();
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
    String line = json(f);
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
    assertThat(json(f)).doesNotContain("\n", "\r", "\u0001")
        .contains("\"x_user\":\"bob\\\"}\\n{\\\"status\\\":500,\\\"x\\\":\\\"\\u0001\\u00E9\"");
    assertThat(text("\"$upstream_http_x_user\" $status", f))
        .isEqualTo("\"bob\\x22}\\x0A{\\x22status\\x22:500,\\x22x\\x22:\\x22\\x01\\xE9\" 200");
  }

  @Test
  void valuesAreCut() {
    LogSettings s = new LogSettings(CaptureRules.parse(List.of("X-Big"), List.of(), false),
        QueryRedaction.NONE, null, false, List.of(), 16);
    RequestFacts f = facts("/", s);
    s.capture().capture(new DefaultHttpHeaders().set("X-Big", "x".repeat(100)), f, 16);
    f.complete(200);
    assertThat(json(f)).contains("\"x_big\":\"" + "x".repeat(16) + "...\"");
  }

  @Test
  void textTemplateUsesNginxNames() {
    RequestFacts f = facts("/p?token=s3cret&x=1",
        new LogSettings(CaptureRules.NONE, QueryRedaction.redact(List.of("token")), null, false,
            List.of(), 2048));
    f.user("alice");
    f.complete(201);
    assertThat(text(
        "$remote_addr $remote_user \"$request\" $status $body_bytes_sent $http_user_agent"
            + " $namespace/$ingress_name/$service_name $upstream_addr $upstream_status $req_id"
            + " ${proxy_upstream_name} $ssl_protocol", f)).isEqualTo(
        "127.0.0.1 alice \"GET /p?token=REDACTED&x=1 HTTP/1.1\" 201 5 curl/8 prod/web/web"
            + " 10.0.0.1:8080 200 abc prod-web-http -");
    assertThat(LogSettings.upstreamHeadersOf("$upstream_http_x_runtime")).containsExactly(
        "x-runtime");
  }

  @Test
  void theExternalAuthStatusAndTimeAreLogged() {
    RequestFacts f = facts("/", LogSettings.DEFAULTS);
    f.auth(202, 5_000_000);
    f.complete(200);
    assertThat(json(f)).contains("\"auth_status\":202,\"auth_time\":0.005,");
    assertThat(text("$auth_status $auth_time", f)).isEqualTo("202 0.005");
    RequestFacts none = facts("/", LogSettings.DEFAULTS);
    none.complete(200);
    assertThat(json(none)).contains("\"auth_status\":null,\"auth_time\":null,");
    assertThat(text("$auth_status $auth_time", none)).isEqualTo("- -");
  }

  @Test
  void jsonLineIsExactlyTheFieldsInOrder() {
    LogSettings s = LogSettings.DEFAULTS.withCapture(
        CaptureRules.parse(List.of("X-User-Id:user_id", "X-Status:status"), List.of(), false));
    RequestFacts f = facts("/a%20b?q=1", s);
    s.capture().capture(new DefaultHttpHeaders().set("X-User-Id", "42").set("X-Status", "ok"), f,
        s.maxValueLength());
    f.complete(201);
    String line = json(f);
    assertThat(line).matches(
        "\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z\",.*");
    assertThat(line.substring(line.indexOf("\"request_id\""))).matches(
        "\"request_id\":\"abc\",\"remote_addr\":\"127.0.0.1\",\"remote_user\":\"\","
            + "\"method\":\"GET\",\"host\":\"shop.test\",\"path\":\"/a%20b\",\"query\":\"q=1\","
            + "\"protocol\":\"HTTP/1.1\",\"status\":201,\"bytes_in\":\\d+,\"bytes_out\":5,"
            + "\"request_time\":\\d+\\.\\d{3},\"upstream_connect_time\":\\d+\\.\\d{3},"
            + "\"upstream_header_time\":\\d+\\.\\d{3},\"upstream_response_time\":\\d+\\.\\d{3},"
            + "\"upstream_addr\":\"10.0.0.1:8080\",\"upstream_status\":200,\"namespace\":\"prod\","
            + "\"ingress\":\"web\",\"service\":\"web\",\"service_port\":\"http\","
            + "\"tls_version\":\"\",\"tls_sni\":\"\",\"user_agent\":\"curl/8\","
            + "\"referer\":\"http://r/\",\"auth_status\":null,\"auth_time\":null,"
            + "\"request_completion\":\"OK\",\"user_id\":\"42\","
            + "\"captured_status\":\"ok\"}");
  }

  @Test
  void aResponseCutShortOrAbandonedIsNotComplete() {
    RequestFacts whole = facts("/", LogSettings.DEFAULTS);
    whole.complete(200);
    RequestFacts cut = facts("/", LogSettings.DEFAULTS);
    cut.abort(200);
    RequestFacts left = facts("/", LogSettings.DEFAULTS);
    left.complete(499);
    assertThat(text("$status [$request_completion]", whole)).isEqualTo("200 [OK]");
    assertThat(text("$status [$request_completion]", cut)).isEqualTo("200 [-]");
    assertThat(text("$status [$request_completion]", left)).isEqualTo("499 [-]");
    assertThat(json(cut)).contains("\"status\":200,").endsWith("\"request_completion\":\"\"}");
    // The first completion wins: a later abort changes nothing.
    assertThat(whole.abort(502)).isFalse();
    assertThat(whole.responseComplete()).isTrue();
  }

  /** A GET that never reached an upstream: Bollard answered it with {@code status}. */
  private static RequestFacts answeredLocally(String uri, int status) {
    RequestFacts f = RequestFacts.begin(
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri),
        java.net.InetAddress.getLoopbackAddress(), LogSettings.DEFAULTS);
    f.complete(status);
    return f;
  }

  @Test
  void jsonWithoutUpstreamHasNulls() {
    RequestFacts f = answeredLocally("/", 404);
    assertThat(json(f)).contains("\"upstream_connect_time\":null,\"upstream_header_time\":null,"
        + "\"upstream_response_time\":null,\"upstream_addr\":\"\",\"upstream_status\":null,");
  }

  @Test
  void emptyTextValuesPrintAsDash() {
    RequestFacts f = answeredLocally("/p?", 404);
    assertThat(text("$remote_user $upstream_status $http_x_missing $upstream_connect_time $args"
        + " $upstream_response_length [$proxy_upstream_name] $request_uri $upstream_http_x_a", f))
        .isEqualTo("- - - - - - [-] /p -");
  }

  @Test
  void aValueOfSeveralPiecesIsCutOnceAtTheLimit() {
    LogSettings s = new LogSettings(CaptureRules.NONE, QueryRedaction.NONE, null, false,
        List.of(), 16);
    RequestFacts f = facts("/" + "a".repeat(30) + "?x=1", s);
    f.complete(200);
    String request = "GET /" + "a".repeat(30) + "?x=1 HTTP/1.1";
    assertThat(text("\"$request\" $status $request_uri", f)).isEqualTo(
        "\"" + request.substring(0, 16) + "...\" 200 /" + "a".repeat(15) + "...");
    assertThat(text("[$time_local]", f)).matches("\\[\\d\\d/[A-Z][a-z][a-z]/\\d{4}:\\d\\d:\\d"
        + "\\.\\.\\.\\]"); // 16 characters of the time, then the cut
    assertThat(json(f)).contains("\"path\":\"/" + "a".repeat(15) + "...\"");
  }

  @Test
  void nonAsciiIsEscapedPerStyle() {
    LogSettings s = LogSettings.DEFAULTS.withCapture(
        CaptureRules.parse(List.of("X-V"), List.of(), false));
    RequestFacts f = facts("/", s);
    // Latin-1 (one byte as received), two- and three-byte characters, a lone surrogate, DEL, tab.
    s.capture().capture(
        new DefaultHttpHeaders(false).set("X-V", "\u00e9\u0100\u20ac\ud800\u007f\t\\"), f, 2048);
    f.complete(200);
    assertThat(text("$upstream_http_x_v", f))
        .isEqualTo("\\xE9\\xC4\\x80\\xE2\\x82\\xAC\\x3F\\x7F\\x09\\x5C");
    assertThat(json(f)).contains("\"x_v\":\"\\u00E9\\u0100\\u20AC\\uD800\\u007F\\t\\\\\"");
    LogSettings escapeJson = new LogSettings(s.capture(), QueryRedaction.NONE, null, true,
        List.of(), 2048);
    RequestFacts g = facts("/", escapeJson);
    s.capture().capture(new DefaultHttpHeaders(false).set("X-V", "a\"b\n"), g, 2048);
    g.complete(200);
    assertThat(text("$upstream_http_x_v", g)).isEqualTo("a\\\"b\\n");
  }

  @Test
  void queryRedactionAndDroppingApplyToEveryVariable() {
    RequestFacts redacted = facts("/p?token=s3cret&x=1",
        new LogSettings(CaptureRules.NONE, QueryRedaction.redact(List.of("token")), null, false,
            List.of(), 2048));
    redacted.complete(200);
    assertThat(text("$uri|$args|$query_string|$request_uri", redacted))
        .isEqualTo("/p|token=REDACTED&x=1|token=REDACTED&x=1|/p?token=REDACTED&x=1");
    assertThat(json(redacted)).contains("\"path\":\"/p\",\"query\":\"token=REDACTED&x=1\"");
    RequestFacts dropped = facts("/p?token=s3cret",
        new LogSettings(CaptureRules.NONE, new QueryRedaction(true, java.util.Set.of()), null,
            false, List.of(), 2048));
    dropped.complete(200);
    assertThat(text("$uri|$args|$request_uri|$request", dropped))
        .isEqualTo("/p|-|/p|GET /p HTTP/1.1");
    assertThat(json(dropped)).contains("\"path\":\"/p\",\"query\":\"\"");
  }

  @Test
  void timesMatchTheJavaFormatters() {
    java.time.ZoneId zone = java.time.ZoneId.systemDefault();
    java.time.format.DateTimeFormatter local = java.time.format.DateTimeFormatter
        .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH).withZone(zone);
    LineBuffer out = new LineBuffer(64);
    out.style(false, 2048, true);
    for (long micros : new long[] {0L, 1_000L, 999_999L, 1_000_000L, -1L, -1_000_001L,
        1_796_166_953_646_269L, 1_796_166_953_999_999L, 1_796_166_954_000_000L,
        253_402_300_800_000_000L}) {
      java.time.Instant at = java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
          Math.floorMod(micros, 1_000_000L) * 1_000L);
      out.clear();
      out.rawIsoInstantMillis(micros);
      assertThat(out.toString()).as("time of %d", micros).isEqualTo(
          java.time.format.DateTimeFormatter.ISO_INSTANT.format(
              at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
      out.clear();
      out.startValue();
      out.pieceLocalTime(micros);
      out.endValue();
      assertThat(out.toString()).isEqualTo(local.format(at));
      out.clear();
      out.startValue();
      out.pieceIsoLocalTime(micros);
      out.endValue();
      assertThat(out.toString()).isEqualTo(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
          .format(at.atZone(zone).withNano(0)));
    }
  }

  @Test
  void numbersAndSecondsAreNginxStyle() {
    LineBuffer out = new LineBuffer(8);
    out.rawDecimal(0);
    out.raw((byte) ' ');
    out.rawDecimal(-42);
    out.raw((byte) ' ');
    out.rawDecimal(Long.MAX_VALUE);
    out.raw((byte) ' ');
    out.rawDecimal(Long.MIN_VALUE);
    out.raw((byte) ' ');
    out.rawSeconds(0);
    out.raw((byte) ' ');
    out.rawSeconds(12_345_678);
    out.raw((byte) ' ');
    out.rawSeconds(1_999_600_000L);
    assertThat(out.toString()).isEqualTo("0 -42 9223372036854775807 -9223372036854775808 0.000"
        + " 0.012 2.000");
  }

  @Test
  void theEncoderWritesOneLinePerRequestWithTheTemplateOfItsSettings() throws Exception {
    LogSettings a = new LogSettings(CaptureRules.NONE, QueryRedaction.NONE, "a $status", false,
        List.of(), 2048);
    LogSettings b = new LogSettings(CaptureRules.NONE, QueryRedaction.NONE, "b $request_method",
        false, List.of(), 2048);
    RequestFacts first = facts("/", a);
    first.complete(200);
    RequestFacts second = facts("/", b);
    second.complete(204);
    LineEncoder text = new LineEncoder(AccessLog.Format.TEXT, 16);
    text.append(first);
    text.append(second);
    text.append(first);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    text.writeTo(bytes);
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("a 200\nb GET\na 200\n").isEqualTo(text.toString());
    text.clear();
    assertThat(text.size()).isZero();
    LineEncoder json = new LineEncoder(AccessLog.Format.JSON, 16);
    json.append(first);
    assertThat(json.toString()).startsWith("{\"time\":").endsWith("}\n").hasLineCount(1);
  }

  @Test
  void literalsKeepTheirUtf8() {
    RequestFacts f = facts("/", LogSettings.DEFAULTS);
    f.complete(200);
    assertThat(text("\u00e9t\u00e9 \u20ac $status", f)).isEqualTo("\u00e9t\u00e9 \u20ac 200");
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
  void captureMatchesNamesIgnoringCaseAndStripsAsItsFirstRuleSays() {
    // A template's logged-only header first, then a stripping rule for the same header.
    CaptureRules rules = CaptureRules.NONE.plusLoggedOnly(List.of("X-A"))
        .plus(CaptureRules.parse(List.of("x-a:a", "X-B:b"), List.of("X-P-"), false));
    RequestFacts f = facts("/", LogSettings.DEFAULTS.withCapture(rules));
    HttpHeaders resp = new DefaultHttpHeaders().add("x-A", "1").add("X-b", "2").add("X-B", "3")
        .add("x-p-Q", "4").add("Other", "5");
    rules.capture(resp, f, 2048);
    f.complete(200);
    assertThat(resp.names()).containsExactlyInAnyOrder("x-A", "Other");
    assertThat(json(f))
        .endsWith(",\"upstream_http_x_a\":\"1\",\"b\":\"2\",\"b\":\"3\",\"q\":\"4\"}");
    assertThat(text("$upstream_http_x_a $upstream_http_x_b", f)).isEqualTo("1 2");
  }

  @Test
  void captureRulesRejectBadEntries() {
    assertThatThrownBy(() -> CaptureRules.parse(List.of("X Bad"), List.of(), false))
        .hasMessageContaining("\"X Bad\"");
    assertThatThrownBy(() -> CaptureRules.parse(List.of("X-A:Bad-Field"), List.of(), false))
        .hasMessageContaining("Bad-Field");
  }
}
