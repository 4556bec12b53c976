package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.RequestFacts;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CORS step: preflight answers, origin matching, headers on responses. */
class CorsTest {

  private static final Cors LISTED = new Cors(
      List.of("https://app.example.com", "https://*.example.org", "http://localhost:3000"),
      Cors.DEFAULT_METHODS, Cors.DEFAULT_HEADERS, "X-Total", true, 600);
  private static final Cors ANY = new Cors(List.of("*"), "GET, POST", Cors.DEFAULT_HEADERS, "",
      true, Cors.DEFAULT_MAX_AGE);

  @Test
  void aPreflightFromAListedOriginIsAnswered204WithItsOriginAndCredentials() {
    FullHttpResponse answer = answer(LISTED, preflight("https://app.example.com"));
    assertThat(answer.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
    assertThat(answer.headers().get("Access-Control-Allow-Origin"))
        .isEqualTo("https://app.example.com");
    assertThat(answer.headers().get("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(answer.headers().get("Access-Control-Allow-Methods"))
        .isEqualTo("GET, PUT, POST, DELETE, PATCH, OPTIONS");
    assertThat(answer.headers().get("Access-Control-Allow-Headers"))
        .isEqualTo(Cors.DEFAULT_HEADERS);
    assertThat(answer.headers().get("Access-Control-Expose-Headers")).isEqualTo("X-Total");
    assertThat(answer.headers().get("Access-Control-Max-Age")).isEqualTo("600");
    assertThat(answer.headers().get("Vary")).isEqualTo("origin");
    assertThat(answer.headers().get("Content-Length")).isEqualTo("0");
    assertThat(answer.headers().get("Connection")).isNull();
  }

  @Test
  void originsMatchWholeCaseInsensitiveAndAWildcardIsOneLabel() {
    assertThat(LISTED.allowedOrigin("HTTPS://App.Example.com")).isEqualTo("HTTPS://App.Example.com");
    assertThat(LISTED.allowedOrigin("https://api.example.org")).isEqualTo("https://api.example.org");
    assertThat(LISTED.allowedOrigin("http://localhost:3000")).isEqualTo("http://localhost:3000");
    assertThat(LISTED.allowedOrigin("http://localhost:3001")).isNull();
    assertThat(LISTED.allowedOrigin("http://localhost")).isNull();
    assertThat(LISTED.allowedOrigin("https://example.org")).isNull();
    assertThat(LISTED.allowedOrigin("https://a.b.example.org")).isNull();
    assertThat(LISTED.allowedOrigin("https://x_y.example.org")).isNull();
    assertThat(LISTED.allowedOrigin("http://api.example.org")).isNull();
    assertThat(LISTED.allowedOrigin("https://api.example.org.evil.test")).isNull();
    // ingress-nginx's regular expression is anchored only at the end: this would pass there.
    assertThat(LISTED.allowedOrigin("https://evil.test/https://app.example.com")).isNull();
    assertThat(LISTED.allowedOrigin("https://app.example.com:443")).isNull();
    assertThat(LISTED.allowedOrigin(null)).isNull();
  }

  @Test
  void anOriginThatDoesNotMatchGetsNoHeadersAndItsPreflightGoesOn() {
    assertThat(LISTED.decide(preflight("https://evil.test"))).isSameAs(StepOutcome.PASS);
    HttpResponse response = ok();
    LISTED.toClient(request(HttpMethod.GET, "https://evil.test"), response);
    assertThat(response.headers().names()).containsExactlyInAnyOrder("Content-Type", "vary");
    assertThat(response.headers().get("Vary")).isEqualTo("origin");
  }

  @Test
  void onlyAPreflightIsAnswered() {
    // OPTIONS without Access-Control-Request-Method is not a preflight: the upstream answers it.
    assertThat(LISTED.decide(request(HttpMethod.OPTIONS, "https://app.example.com")))
        .isSameAs(StepOutcome.PASS);
    assertThat(LISTED.decide(request(HttpMethod.GET, "https://app.example.com")
        .header("Access-Control-Request-Method", "GET"))).isSameAs(StepOutcome.PASS);
  }

  @Test
  void otherResponsesOfAListedOriginGetTheHeaders() {
    HttpResponse response = ok();
    LISTED.toClient(request(HttpMethod.POST, "https://api.example.org"), response);
    assertThat(response.headers().get("Access-Control-Allow-Origin"))
        .isEqualTo("https://api.example.org");
    assertThat(response.headers().get("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(response.headers().get("Access-Control-Max-Age")).isEqualTo("600");
  }

  @Test
  void aStarIsSentAsStarAndNeverWithCredentials() {
    assertThat(ANY.credentials()).isFalse();
    FullHttpResponse answer = answer(ANY, preflight("https://anyone.test"));
    assertThat(answer.headers().get("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(answer.headers().contains("Access-Control-Allow-Credentials")).isFalse();
    assertThat(answer.headers().get("Access-Control-Max-Age")).isEqualTo("1728000");
    HttpResponse response = ok();
    response.headers().set("Access-Control-Allow-Credentials", "true");
    ANY.toClient(request(HttpMethod.GET, null), response);
    assertThat(response.headers().get("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(response.headers().contains("Access-Control-Allow-Credentials")).isFalse();
    assertThat(response.headers().contains("Vary")).isFalse();
  }

  @Test
  void itAnswersBeforeTheGuard() {
    assertThat(LISTED.phase()).isLessThan(Phase.ACCESS).isLessThan(Phase.GUARD);
  }

  private static FullHttpResponse answer(Cors cors, StepRequest request) {
    StepOutcome outcome = cors.decide(request);
    assertThat(outcome).isInstanceOf(StepOutcome.Answer.class);
    FullHttpResponse response = ((StepOutcome.Answer) outcome).response(true);
    cors.toClient(request, response);
    return response;
  }

  private static HttpResponse ok() {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    r.headers().set("Content-Type", "text/plain");
    return r;
  }

  private static Req preflight(String origin) {
    return request(HttpMethod.OPTIONS, origin).header("Access-Control-Request-Method", "PUT");
  }

  private static Req request(HttpMethod method, String origin) {
    Req req = new Req(method);
    return origin == null ? req : req.header("Origin", origin);
  }

  private static final class Req extends TestStepRequest {
    private final RequestFacts facts;

    Req(HttpMethod method) {
      super("api.localhost", new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/api"));
      this.facts = RequestFacts.begin(head(), client(), LogSettings.DEFAULTS);
    }

    Req header(String name, String value) {
      head().headers().add(name, value);
      return this;
    }

    @Override
    public RequestFacts facts() {
      return facts;
    }
  }
}
