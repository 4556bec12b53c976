package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.guard.GuardVerdict;
import dev.bollard.proxy.http.RequestPaths;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link RewriteTarget}: nginx's {@code rewrite "(?i)path" target break;}, as a step. */
class RewriteTargetTest {

  /** The target the upstream gets for a request target {@code uri} (path normalised by routing). */
  private static String rewrite(String pathRegex, String target, String uri) {
    RewriteTarget step = new RewriteTarget(pathRegex, target);
    HttpRequest upstream = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    step.toUpstream(new Request(uri), upstream);
    return upstream.uri();
  }

  @ParameterizedTest(name = "{0} + {1}: {2} -> {3}")
  @CsvSource(delimiter = ';', textBlock = """
      /something(/|$)(.*) ; /$2          ; /something           ; /
      /something(/|$)(.*) ; /$2          ; /something/          ; /
      /something(/|$)(.*) ; /$2          ; /something/new       ; /new
      /something(/|$)(.*) ; /$2          ; /SomeThing/New/x     ; /New/x
      /foo/bar/(.+)       ; /new/$1      ; /foo/bar/bar         ; /new/bar
      /api/(v\\d+)/(.*)   ; /$2/$1       ; /api/v2/users/7      ; /users/7/v2
      /                   ; /new/backend ; /anything/at/all     ; /new/backend
      /foo                ; /            ; /foo/bar             ; /
      /a(.*)              ; /$1$3        ; /abc                 ; /bc
      /a(x)?(.*)          ; /$1-$2       ; /ab                  ; /-b
      /(.*)               ; $1           ; /x/y                 ; /x/y
      /p/(.*)             ; $1           ; /p/q                 ; /q
      """)
  void theWholePathIsReplacedWithTheGroupsOfTheMatch(
      String path, String target, String request, String expected) {
    assertThat(rewrite(path, target, request)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{1}: {2} -> {3}")
  @CsvSource(delimiter = ';', textBlock = """
      /s/(.*) ; /$1          ; /s/x?a=1&b=2 ; /x?a=1&b=2
      /s/(.*) ; /$1          ; /s/x?        ; /x
      /s/(.*) ; /$1?v=$1     ; /s/x?a=1     ; /x?v=x&a=1
      /s/(.*) ; /$1?v=$1     ; /s/x         ; /x?v=x
      /s/(.*) ; /$1?v=$1?    ; /s/x?a=1     ; /x?v=x
      /s/(.*) ; /$1?         ; /s/x?a=1     ; /x
      """)
  void theQueryIsKeptAsNginxKeepsIt(String path, String target, String request, String expected) {
    assertThat(rewrite(path, target, request)).isEqualTo(expected);
  }

  @Test
  void groupsArePercentEncodedSoTheyCannotBreakTheRequestLine() {
    // The request path arrives encoded; routing decodes it (as nginx's $uri), the rewrite encodes
    // the group again: a CR LF or a space can never reach the request line.
    assertThat(rewrite("/s/([^?]*)", "/$1", "/s/a%0D%0AX-Injected:%201%20HTTP/1.1"))
        .isEqualTo("/a%0D%0AX-Injected:%201%20HTTP/1.1");
    // As in nginx (PCRE), '.' stops at a line feed.
    assertThat(rewrite("/s/(.*)", "/$1", "/s/a%0D%0Ab")).isEqualTo("/a%0D");
    assertThat(rewrite("/s/(.*)", "/$1", "/s/%3Fq=%23frag%25")).isEqualTo("/%3Fq=%23frag%25");
    assertThat(rewrite("/s/(.*)", "/$1", "/s/caf%C3%A9")).isEqualTo("/caf%C3%A9");
    // In the query, a group cannot add parameters either.
    assertThat(rewrite("/s/(.*)", "/x?v=$1", "/s/a%26admin=1%2Bb%3Dc"))
        .isEqualTo("/x?v=a%26admin%3D1%2Bb%3Dc");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "new", "http://other.example/$1", "HTTPS://x/", "$scheme://x/",
      "/$host$1", "/$0", "/a b", "/a\r\nX: 1", "/a\"b", "/%20", "/$", "/a#b", "/{x}"})
  void unusableTargetsAreRefusedWithAReason(String target) {
    assertThatThrownBy(() -> RewriteTarget.check(target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("(?s).*(expected|redirect|not allowed|digit).*");
  }

  @Test
  void anExpressionRe2CannotReadIsRefused() {
    assertThatThrownBy(() -> new RewriteTarget("/(a)\\1", "/$1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RE2");
  }

  @Test
  void equalityIsByPathAndTarget() {
    assertThat(new RewriteTarget("/a(.*)", "/$1")).isEqualTo(new RewriteTarget("/a(.*)", "/$1"))
        .hasSameHashCodeAs(new RewriteTarget("/a(.*)", "/$1"))
        .isNotEqualTo(new RewriteTarget("/a(.*)", "/x/$1"));
  }

  /** A request as the step sees it: the routed path is the normalised one. */
  private static final class Request extends TestStepRequest {
    Request(String uri) {
      super("app.test", new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
    }

    @Override
    public String path() {
      return RequestPaths.normalizePath(rawPath());
    }

    @Override
    public void guardVerdict(GuardVerdict verdict) {}
  }
}
