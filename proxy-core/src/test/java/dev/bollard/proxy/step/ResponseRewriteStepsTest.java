package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyRedirect} ({@code proxy-redirect-from/-to}) and {@link CookieRewrite} ({@code
 * proxy-cookie-domain}, {@code proxy-cookie-path}) on upstream response heads, as nginx's {@code
 * proxy_redirect}, {@code proxy_cookie_domain} and {@code proxy_cookie_path} rewrite them.
 */
class ResponseRewriteStepsTest {

  private static HttpResponse response(String... headers) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  @Test
  void proxyRedirectReplacesTheStartOfLocationAndRefresh() {
    ProxyRedirect step = new ProxyRedirect("http://internal:8080/", "https://shop.example/");
    HttpResponse r = response("Location", "http://internal:8080/cart?x=1",
        "Refresh", "5; URL=http://internal:8080/done");
    step.fromUpstream(null, r);
    assertThat(r.headers().get("Location")).isEqualTo("https://shop.example/cart?x=1");
    assertThat(r.headers().get("Refresh")).isEqualTo("5; URL=https://shop.example/done");

    // Compared as written (nginx's ngx_rstrncmp); elsewhere in the value is not a start.
    HttpResponse other = response("Location", "HTTP://INTERNAL:8080/cart",
        "Refresh", "0; url=/local?next=http://internal:8080/");
    step.fromUpstream(null, other);
    assertThat(other.headers().get("Location")).isEqualTo("HTTP://INTERNAL:8080/cart");
    assertThat(other.headers().get("Refresh")).isEqualTo("0; url=/local?next=http://internal:8080/");
  }

  @Test
  void aRefreshWithoutAUrlPassesUnchanged() {
    ProxyRedirect step = new ProxyRedirect("http://internal/", "https://shop.example/");
    HttpResponse r = response("Refresh", "5");
    step.fromUpstream(null, r);
    assertThat(r.headers().get("Refresh")).isEqualTo("5");
  }

  @Test
  void aRelativeLocationCanMoveUnderAPrefix() {
    ProxyRedirect step = new ProxyRedirect("/", "/app/");
    HttpResponse r = response("Location", "/login");
    step.fromUpstream(null, r);
    assertThat(r.headers().get("Location")).isEqualTo("/app/login");
    assertThatThrownBy(() -> new ProxyRedirect("", "/x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cookieDomainsMatchWholeIgnoringCaseAndKeepALeadingDot() {
    CookieRewrite step = new CookieRewrite(CookieRewrite.Attribute.DOMAIN, "localhost",
        "example.org");
    HttpResponse r = response(
        "Set-Cookie", "a=1; Domain=LOCALHOST; Path=/",
        "Set-Cookie", "b=2; path=/; domain=.localhost",
        "Set-Cookie", "c=3; Domain=localhost.other",
        "Set-Cookie", "d=4; HttpOnly",
        "Set-Cookie", "domain=5; Path=/",
        "Set-Cookie", "e=6; Domain=other; Domain=localhost");
    step.fromUpstream(null, r);
    assertThat(r.headers().getAll("Set-Cookie")).containsExactly(
        "a=1; Domain=example.org; Path=/",
        "b=2; path=/; domain=.example.org",
        "c=3; Domain=localhost.other",
        "d=4; HttpOnly",
        "domain=5; Path=/",
        "e=6; Domain=other; Domain=example.org");
  }

  @Test
  void cookiePathsHaveTheirStartReplaced() {
    CookieRewrite step = new CookieRewrite(CookieRewrite.Attribute.PATH, "/", "/shop/");
    HttpResponse r = response(
        "Set-Cookie", "a=1; Path=/; Secure",
        "Set-Cookie", "b=2; Path=/cart",
        "Set-Cookie", "c=3",
        "Set-Cookie", "d=4; Path = /x ; Path=/y");
    step.fromUpstream(null, r);
    assertThat(r.headers().getAll("Set-Cookie")).containsExactly(
        "a=1; Path=/shop/; Secure", "b=2; Path=/shop/cart", "c=3",
        "d=4; Path = /shop/x ; Path=/shop/y");
  }
}
