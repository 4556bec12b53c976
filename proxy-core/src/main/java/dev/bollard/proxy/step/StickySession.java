package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's cookie affinity ({@code affinity: cookie}): a client keeps its endpoint through a
 * cookie the proxy sets, in one of ingress-nginx's two modes.
 *
 * <ul>
 *   <li>{@link Mode#BALANCED}: the cookie holds a random key, a position on the backend's
 *       consistent-hash ring ({@link HashRing}, 16 hexadecimal digits); the key's endpoint is the
 *       owner of that position. When endpoints come or go only the keys of their arcs move, so
 *       most clients keep their endpoint and a new endpoint takes its share.
 *   <li>{@link Mode#PERSISTENT}: the cookie names the endpoint ({@link EndpointDigests}); the
 *       client stays on it while it is ready, whatever else changes.
 * </ul>
 *
 * <p>The cookie's value is {@code key|tag}, the tag naming the backend, as ingress-nginx's. A
 * cookie only selects among the ready endpoints of the backend the request goes to: a key that is
 * not of the mode's form, or names no ready endpoint, is no cookie. A request without a usable
 * cookie goes where the route's balancer sends it, and the response sets a cookie naming the
 * endpoint that answered; one with a usable cookie is pinned to its endpoint ({@link
 * StepRequest#pinEndpoint}), retries going on per {@code proxy-next-upstream}, and gets no new
 * cookie, unless {@code changeOnFailure} and another endpoint answered after a failed try: then the
 * cookie moves to that endpoint.
 *
 * <p>With a canary on the route ({@link Canary}, which runs before in the same phase): a cookie
 * tagged with the main backend keeps the request on the main backend whatever the canary rules
 * say, as ingress-nginx's balancer does; with {@link CanaryBehavior#STICKY} (ingress-nginx's
 * default) a cookie tagged with the canary keeps it on the canary while the canary has ready
 * endpoints, and the canary's responses set the cookie too; with {@link CanaryBehavior#LEGACY} the
 * canary is not sticky (no cookie is read or set for its requests).
 *
 * <p>Per request with a usable cookie this allocates nothing in balanced mode; setting a cookie
 * builds its text.
 */
public final class StickySession implements RouteStep, RouteFeature {

  /** How sticky a session is: ingress-nginx's {@code affinity-mode}. */
  public enum Mode {
    /** A key on a consistent-hash ring: sessions rebalance a little when endpoints change. */
    BALANCED,
    /** The endpoint itself: a session stays while its endpoint is ready. */
    PERSISTENT
  }

  /** ingress-nginx's {@code affinity-canary-behavior}. */
  public enum CanaryBehavior {
    /** Clients the canary served stay on the canary. */
    STICKY,
    /** The canary ignores session affinity. */
    LEGACY
  }

  private static final int BALANCED_KEY = 16;
  /** Random positions tried per endpoint before a balanced key for an endpoint is given up. */
  private static final int DRAWS_PER_ENDPOINT = 64;

  private final Mode mode;
  private final SessionCookie cookie;
  private final boolean changeOnFailure;
  private final Backend main;
  private final @Nullable Backend canary;
  private final CanaryBehavior canaryBehavior;
  private final String mainTag;
  private final @Nullable String canaryTag;
  private final BackendMemo<HashRing> rings = new BackendMemo<>(HashRing::of);
  private final BackendMemo<EndpointDigests> digests = new BackendMemo<>(EndpointDigests::of);

  /**
   * @param mode balanced or persistent
   * @param cookie the cookie's name and attributes
   * @param changeOnFailure whether the cookie moves to the endpoint that answered after the
   *     cookie's endpoint failed
   * @param main the route's backend
   * @param canary the backend of the route's canary, or null
   * @param canaryBehavior whether the canary is sticky too
   */
  public StickySession(Mode mode, SessionCookie cookie, boolean changeOnFailure, Backend main,
      @Nullable Backend canary, CanaryBehavior canaryBehavior) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.cookie = Objects.requireNonNull(cookie, "cookie");
    this.changeOnFailure = changeOnFailure;
    this.main = Objects.requireNonNull(main, "main");
    this.canary = canary;
    this.canaryBehavior = Objects.requireNonNull(canaryBehavior, "canaryBehavior");
    this.mainTag = tag(main);
    this.canaryTag = canary == null ? null : tag(canary);
  }

  /** The tag naming {@code backend} in a cookie: a hash of its id, 16 hexadecimal digits. */
  static String tag(Backend backend) {
    return Hex.of(HashRing.hash(backend.id()));
  }

  public Mode mode() {
    return mode;
  }

  public SessionCookie cookie() {
    return cookie;
  }

  public boolean changeOnFailure() {
    return changeOnFailure;
  }

  public CanaryBehavior canaryBehavior() {
    return canaryBehavior;
  }

  @Override
  public Phase phase() {
    return Phase.BACKEND;
  }

  @Override
  public String name() {
    return "sticky-session";
  }

  @Override
  public List<Backend> backends() {
    return canary == null ? List.of() : List.of(canary);
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    String cookies = request.head().headers().get(HttpHeaderNames.COOKIE);
    if (cookies == null) {
      return StepOutcome.PASS;
    }
    long found = CookieHeader.find(cookies, cookie.name(), false);
    if (found == CookieHeader.ABSENT) {
      return StepOutcome.PASS;
    }
    int start = CookieHeader.start(found);
    int end = CookieHeader.end(found);
    int bar = cookies.indexOf('|', start);
    int keyEnd = bar < 0 || bar > end ? end : bar;
    Backend backend = request.backend();
    if (canary != null && keyEnd < end) {
      if (tagIs(cookies, keyEnd + 1, end, mainTag)) {
        backend = main;
        request.useBackend(main);
      } else if (canaryBehavior == CanaryBehavior.STICKY
          && tagIs(cookies, keyEnd + 1, end, canaryTag) && !canary.endpoints().isEmpty()) {
        backend = canary;
        request.useBackend(canary);
      }
    }
    if (backend == null || !sticky(backend)) {
      return StepOutcome.PASS;
    }
    Endpoint endpoint = mode == Mode.BALANCED
        ? balanced(backend, cookies, start, keyEnd)
        : digests.of(backend).find(cookies, start, keyEnd);
    if (endpoint != null) {
      request.pinEndpoint(endpoint);
    }
    return StepOutcome.PASS;
  }

  private @Nullable Endpoint balanced(Backend backend, String cookies, int start, int end) {
    if (end - start != BALANCED_KEY || !Hex.isHex(cookies, start, end)) {
      return null;
    }
    return rings.of(backend).pick(Hex.parse(cookies, start, end));
  }

  private static boolean tagIs(String cookies, int start, int end, @Nullable String tag) {
    return tag != null && end - start == tag.length()
        && cookies.regionMatches(start, tag, 0, tag.length());
  }

  /** Whether requests to {@code backend} keep their endpoint: not the canary in legacy mode. */
  private boolean sticky(Backend backend) {
    return canary == null || canaryBehavior == CanaryBehavior.STICKY
        || !backend.id().equals(canary.id());
  }

  @Override
  public void toClient(StepRequest request, HttpResponse response) {
    Endpoint answered = request.endpoint();
    Backend backend = request.backend();
    if (answered == null || backend == null || !sticky(backend)) {
      return;
    }
    Endpoint pinned = request.pinnedEndpoint();
    if (pinned != null && (pinned.equals(answered) || !changeOnFailure)) {
      return;
    }
    String key = mode == Mode.BALANCED
        ? balancedKey(backend, answered)
        : digests.of(backend).name(answered);
    if (key == null) {
      return;
    }
    response.headers().add(HttpHeaderNames.SET_COOKIE, cookie.setCookie(key + '|' + tag(backend),
        request.secure(), request.head().headers().get(HttpHeaderNames.USER_AGENT),
        System.currentTimeMillis()));
  }

  /**
   * A random key {@code endpoint} owns on {@code backend}'s ring: positions are drawn until one
   * falls in its arcs (about as many draws as the backend has endpoints), or null when none did
   * in {@value #DRAWS_PER_ENDPOINT} draws per endpoint (the endpoint is not on the ring).
   */
  private @Nullable String balancedKey(Backend backend, Endpoint endpoint) {
    HashRing ring = rings.of(backend);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int draws = DRAWS_PER_ENDPOINT * Math.max(1, backend.endpoints().size());
    for (int i = 0; i < draws; i++) {
      long key = random.nextLong();
      if (endpoint.equals(ring.pick(key))) {
        return Hex.of(key);
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StickySession s && mode == s.mode && cookie.equals(s.cookie)
        && changeOnFailure == s.changeOnFailure && main.equals(s.main)
        && Objects.equals(canary, s.canary) && canaryBehavior == s.canaryBehavior;
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, cookie, changeOnFailure, main, canary, canaryBehavior);
  }

  @Override
  public String toString() {
    return "StickySession[mode=" + mode + ", cookie=" + cookie + ", changeOnFailure="
        + changeOnFailure + ", main=" + main.id() + ", canary="
        + (canary == null ? null : canary.id()) + ", canaryBehavior=" + canaryBehavior + "]";
  }
}
