package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.step.SessionCookie.SameSite;
import dev.bollard.proxy.step.StickySession.CanaryBehavior;
import dev.bollard.proxy.step.StickySession.Mode;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class StickySessionTest {

  private static final Endpoint A = new Endpoint("10.0.0.1", 8080);
  private static final Endpoint B = new Endpoint("10.0.0.2", 8080);
  private static final Endpoint C = new Endpoint("10.0.0.3", 8080);
  private static final Backend WEB = new Backend("shop/web:80", List.of(A, B, C), List.of());
  private static final Backend CANARY =
      new Backend("shop/canary:80", List.of(new Endpoint("10.0.1.1", 8080)), List.of());
  private static final SessionCookie COOKIE = SessionCookie.of("INGRESSCOOKIE", "/app");

  private static StickySession sticky(Mode mode, boolean changeOnFailure) {
    return new StickySession(mode, COOKIE, changeOnFailure, WEB, null, CanaryBehavior.STICKY);
  }

  /** The cookie value a client without cookie gets when {@code answered} serves it. */
  private static String assign(StickySession step, Backend backend, Endpoint answered) {
    Req first = new Req(backend, null);
    step.decide(first);
    assertThat(first.pinned).isNull();
    first.answered = answered;
    String setCookie = first.respond(step);
    assertThat(setCookie).isNotNull();
    return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
  }

  @Test
  void aClientWithoutCookieIsBalancedThenKeepsTheEndpointThatServedIt() {
    for (Mode mode : Mode.values()) {
      StickySession step = sticky(mode, false);
      for (Endpoint e : List.of(A, B, C)) {
        String value = assign(step, WEB, e);
        for (int i = 0; i < 5; i++) {
          Req again = new Req(WEB, "other=1; INGRESSCOOKIE=" + value);
          step.decide(again);
          assertThat(again.pinned).as(mode + " " + e).isEqualTo(e);
          again.answered = e;
          assertThat(again.respond(step)).as("no new cookie for a usable one").isNull();
        }
      }
    }
  }

  @Test
  void theCookieValueIsAKeyAndTheBackendsTag() {
    String balanced = assign(sticky(Mode.BALANCED, false), WEB, B);
    assertThat(balanced).matches("[0-9a-f]{16}\\|[0-9a-f]{16}");
    String persistent = assign(sticky(Mode.PERSISTENT, false), WEB, B);
    assertThat(persistent).matches("[0-9a-f]{32}\\|[0-9a-f]{16}");
    assertThat(persistent).as("the address is not shown").doesNotContain("10.0.0.2");
    assertThat(balanced.substring(17)).isEqualTo(persistent.substring(33))
        .isEqualTo(StickySession.tag(WEB));
  }

  @Test
  void garbageOrForgedCookiesGetAFreshAssignmentNeverAnError() {
    for (Mode mode : Mode.values()) {
      StickySession step = sticky(mode, false);
      for (String junk : List.of("", "|", "garbage", "10.0.0.9:8080", "ZZZZZZZZZZZZZZZZ|x",
          "0123456789abcdef0123456789abcdef0|" + StickySession.tag(WEB), "%00;;", "\u00e9\u00e9",
          "0123456789ABCDEF|" + StickySession.tag(WEB))) {
        Req r = new Req(WEB, "INGRESSCOOKIE=" + junk);
        assertThat(step.decide(r)).isSameAs(StepOutcome.PASS);
        assertThat(r.pinned).as(mode + " " + junk).isNull();
        r.answered = C;
        assertThat(r.respond(step)).as(mode + " " + junk).startsWith("INGRESSCOOKIE=");
      }
    }
  }

  @Test
  void aWellFormedBalancedKeyOnlySelectsAmongTheReadyEndpoints() {
    StickySession step = sticky(Mode.BALANCED, false);
    for (int i = 0; i < 200; i++) {
      Req r = new Req(WEB, "INGRESSCOOKIE=" + Hex.of(i * 0x9e3779b97f4a7c15L));
      step.decide(r);
      assertThat(r.pinned).isIn(A, B, C);
    }
  }

  @Test
  void balancedKeysMoveOnlyFromARemovedEndpoint() {
    StickySession step = sticky(Mode.BALANCED, false);
    Backend withoutC = new Backend("shop/web:80", List.of(A, B), List.of());
    Backend withD = new Backend("shop/web:80",
        List.of(A, B, C, new Endpoint("10.0.0.4", 8080)), List.of());
    StickySession afterRemoval = new StickySession(Mode.BALANCED, COOKIE, false, withoutC, null,
        CanaryBehavior.STICKY);
    StickySession afterAddition = new StickySession(Mode.BALANCED, COOKIE, false, withD, null,
        CanaryBehavior.STICKY);
    int moved = 0;
    int clients = 600;
    for (int i = 0; i < clients; i++) {
      Endpoint first = List.of(A, B, C).get(i % 3);
      String value = assign(step, WEB, first);
      Req removed = new Req(withoutC, "INGRESSCOOKIE=" + value);
      afterRemoval.decide(removed);
      if (first.equals(C)) {
        assertThat(removed.pinned).isIn(A, B);
      } else {
        assertThat(removed.pinned).as("a key whose endpoint stayed keeps it").isEqualTo(first);
      }
      Req added = new Req(withD, "INGRESSCOOKIE=" + value);
      afterAddition.decide(added);
      if (!first.equals(added.pinned)) {
        assertThat(added.pinned).as("keys only move to the new endpoint")
            .isEqualTo(new Endpoint("10.0.0.4", 8080));
        moved++;
      }
    }
    // About a quarter of the keys move to the fourth endpoint: Binomial(600, ~0.25), mean 150,
    // sd 10.6; 60 to 260 also covers the ring's share error (160 points per endpoint).
    assertThat(moved).isBetween(60, 260);
  }

  @Test
  void persistentCookiesStayWhileTheirEndpointIsReady() {
    StickySession step = sticky(Mode.PERSISTENT, false);
    String onB = assign(step, WEB, B);
    Backend grown = new Backend("shop/web:80",
        List.of(A, B, C, new Endpoint("10.0.0.4", 8080), new Endpoint("10.0.0.5", 8080)),
        List.of());
    StickySession after = new StickySession(Mode.PERSISTENT, COOKIE, false, grown, null,
        CanaryBehavior.STICKY);
    Req r = new Req(grown, "INGRESSCOOKIE=" + onB);
    after.decide(r);
    assertThat(r.pinned).isEqualTo(B);
    Backend withoutB = new Backend("shop/web:80", List.of(A, C), List.of());
    StickySession gone = new StickySession(Mode.PERSISTENT, COOKIE, false, withoutB, null,
        CanaryBehavior.STICKY);
    Req moved = new Req(withoutB, "INGRESSCOOKIE=" + onB);
    gone.decide(moved);
    assertThat(moved.pinned).as("its endpoint left: a fresh assignment").isNull();
    moved.answered = C;
    assertThat(moved.respond(gone)).isNotNull();
  }

  @Test
  void changeOnFailureMovesTheCookieToTheEndpointThatAnswered() {
    for (Mode mode : Mode.values()) {
      String onA = assign(sticky(mode, false), WEB, A);
      Req keep = new Req(WEB, "INGRESSCOOKIE=" + onA);
      StickySession stay = sticky(mode, false);
      stay.decide(keep);
      assertThat(keep.pinned).isEqualTo(A);
      keep.answered = B; // A failed, the retry went to B
      assertThat(keep.respond(stay)).as(mode + ": the cookie stays on A").isNull();

      StickySession change = sticky(mode, true);
      Req moved = new Req(WEB, "INGRESSCOOKIE=" + onA);
      change.decide(moved);
      assertThat(moved.pinned).isEqualTo(A);
      moved.answered = B;
      String setCookie = moved.respond(change);
      assertThat(setCookie).as(mode.toString()).isNotNull();
      String value = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
      Req next = new Req(WEB, "INGRESSCOOKIE=" + value);
      change.decide(next);
      assertThat(next.pinned).as(mode + ": the new cookie names B").isEqualTo(B);
    }
  }

  @Test
  void noCookieIsSetWhenNoUpstreamAnswered() {
    Req r = new Req(WEB, null);
    StickySession step = sticky(Mode.BALANCED, true);
    step.decide(r);
    assertThat(r.respond(step)).isNull();
  }

  @Test
  void cookieAttributesAreWrittenAsIngressNginxWritesThem() {
    SessionCookie all = new SessionCookie("route", "/shop", "example.com", SameSite.STRICT, false,
        true, 3600L, 1800L);
    StickySession step = new StickySession(Mode.BALANCED, all, false, WEB, null,
        CanaryBehavior.STICKY);
    Req r = new Req(WEB, null);
    step.decide(r);
    r.answered = A;
    long before = System.currentTimeMillis() / 1000;
    String header = r.respond(step);
    long after = System.currentTimeMillis() / 1000;
    assertThat(header).matches("route=[0-9a-f]{16}\\|[0-9a-f]{16}; Expires=[^;]+; Max-Age=1800;"
        + " Domain=example.com; Path=/shop; Secure; HttpOnly; SameSite=Strict");
    String expires = header.replaceAll(".*Expires=([^;]+);.*", "$1");
    long at = ZonedDateTime.parse(expires, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
    assertThat(at).isBetween(before + 3600, after + 3600);

    Req plain = new Req(WEB, null);
    StickySession defaults = sticky(Mode.BALANCED, false);
    defaults.decide(plain);
    plain.answered = A;
    assertThat(plain.respond(defaults)).matches("INGRESSCOOKIE=[^;]+; Path=/app; HttpOnly");
    Req tls = new Req(WEB, null);
    tls.tls = true;
    tls.answered = A;
    assertThat(tls.respond(defaults)).endsWith("; Path=/app; Secure; HttpOnly");
  }

  @Test
  void sameSiteNoneIsLeftOutForUserAgentsThatRejectItWhenAsked() {
    SessionCookie none = new SessionCookie("c", "/", null, SameSite.NONE, true, true, null, null);
    String oldChrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/65.0.3325.181 Safari/537.36";
    String ios12 = "Mozilla/5.0 (iPhone; CPU iPhone OS 12_0 like Mac OS X) AppleWebKit/605.1.15";
    String mojave = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15"
        + " (KHTML, like Gecko) Version/12.1.2 Safari/605.1.15";
    String modern = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/120.0.0.0 Safari/537.36";
    for (String ua : List.of(oldChrome, ios12, mojave)) {
      assertThat(none.setCookie("v", false, ua, 0)).as(ua).doesNotContain("SameSite");
      assertThat(SessionCookie.sameSiteNoneCompatible(ua)).isFalse();
    }
    assertThat(none.setCookie("v", false, modern, 0)).endsWith("; SameSite=None");
    assertThat(none.setCookie("v", false, null, 0)).endsWith("; SameSite=None");
    SessionCookie always = new SessionCookie("c", "/", null, SameSite.NONE, false, true, null,
        null);
    assertThat(always.setCookie("v", false, oldChrome, 0)).endsWith("; SameSite=None");
    SessionCookie lax = new SessionCookie("c", "/", null, SameSite.LAX, true, false, null, null);
    assertThat(lax.setCookie("v", false, oldChrome, 0)).endsWith("; SameSite=Lax");
  }

  @Test
  void aCookieTaggedWithTheMainBackendKeepsTheRequestOffTheCanary() {
    StickySession step = new StickySession(Mode.BALANCED, COOKIE, false, WEB, CANARY,
        CanaryBehavior.STICKY);
    String onMain = assign(step, WEB, A);
    Req r = new Req(CANARY, "INGRESSCOOKIE=" + onMain); // the canary step chose the canary
    step.decide(r);
    assertThat(r.backend).isSameAs(WEB);
    assertThat(r.pinned).isEqualTo(A);
  }

  @Test
  void stickyCanaryClientsStayOnTheCanaryAndLegacyOnesAreNotSticky() {
    StickySession sticky = new StickySession(Mode.BALANCED, COOKIE, false, WEB, CANARY,
        CanaryBehavior.STICKY);
    Endpoint canaryEndpoint = CANARY.endpoints().get(0);
    String onCanary = assign(sticky, CANARY, canaryEndpoint);
    assertThat(onCanary).endsWith("|" + StickySession.tag(CANARY));
    Req r = new Req(WEB, "INGRESSCOOKIE=" + onCanary); // the weight drew the main backend
    sticky.decide(r);
    assertThat(r.backend).isSameAs(CANARY);
    assertThat(r.pinned).isEqualTo(canaryEndpoint);

    StickySession legacy = new StickySession(Mode.BALANCED, COOKIE, false, WEB, CANARY,
        CanaryBehavior.LEGACY);
    Req l = new Req(WEB, "INGRESSCOOKIE=" + onCanary);
    legacy.decide(l);
    assertThat(l.backend).as("legacy: the canary's cookie decides nothing").isSameAs(WEB);
    Req fresh = new Req(CANARY, null);
    legacy.decide(fresh);
    fresh.answered = canaryEndpoint;
    assertThat(fresh.respond(legacy)).as("legacy: the canary sets no cookie").isNull();
  }

  @Test
  void equalConfigurationsAreEqualValues() {
    assertThat(sticky(Mode.BALANCED, true)).isEqualTo(sticky(Mode.BALANCED, true))
        .hasSameHashCodeAs(sticky(Mode.BALANCED, true))
        .isNotEqualTo(sticky(Mode.BALANCED, false)).isNotEqualTo(sticky(Mode.PERSISTENT, true));
  }

  /** A request that records the backend and endpoint steps chose. */
  private static final class Req extends TestStepRequest {
    @Nullable Backend backend;
    @Nullable Endpoint pinned;
    @Nullable Endpoint answered;
    boolean tls;

    Req(Backend backend, @Nullable String cookies) {
      super("a.example", new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
      if (cookies != null) {
        head().headers().add(HttpHeaderNames.COOKIE, cookies);
      }
      this.backend = backend;
    }

    /** The Set-Cookie the step adds to a response, or null. */
    @Nullable String respond(StickySession step) {
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      step.toClient(this, response);
      List<String> all = response.headers().getAll(HttpHeaderNames.SET_COOKIE);
      assertThat(all.size()).isLessThanOrEqualTo(1);
      return all.isEmpty() ? null : all.get(0);
    }

    @Override
    public void useBackend(Backend chosen) {
      backend = chosen;
    }

    @Override
    public @Nullable Backend backend() {
      return backend;
    }

    @Override
    public void pinEndpoint(Endpoint endpoint) {
      pinned = endpoint;
    }

    @Override
    public @Nullable Endpoint pinnedEndpoint() {
      return pinned;
    }

    @Override
    public @Nullable Endpoint endpoint() {
      return answered;
    }

    /** Paths of /app, whatever the head's target. */
    @Override
    public String rawPath() {
      return "/app";
    }

    @Override
    public String originUri() {
      return "/app";
    }

    @Override
    public boolean secure() {
      return tls;
    }

    @Override
    public void guardVerdict(dev.bollard.proxy.guard.GuardVerdict verdict) {}
  }
}
