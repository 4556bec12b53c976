package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.guard.RequestGuard;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingress-nginx's external authentication ({@code auth-url} and its companions, or the ConfigMap's
 * {@code global-auth-*}): before a request goes upstream, a request without body is sent to the
 * auth service with the client's headers and ingress-nginx's ({@code X-Original-URL}, {@code
 * X-Original-Method}, {@code X-Auth-Request-Redirect}, {@code X-Real-IP}, {@code X-Forwarded-For},
 * {@code X-Sent-From}, {@code X-Request-ID}), through the server's {@link AuthService} on the
 * request's event loop ({@link StepOutcome.Pending}: no thread waits).
 *
 * <p>Its answer decides, as nginx's {@code auth_request} does: 2xx passes, the headers named by
 * {@code auth-response-headers} copied onto the upstream request (the client's own copies of those
 * names are removed first, whatever the answer, so a client cannot send them itself); 401 is
 * answered 401 (with the service's {@code WWW-Authenticate}), or a 302 to {@code auth-signin} with
 * the original URL in its redirect parameter; 403 is answered 403; anything else, a refused or
 * reset connection, an unparsable answer or a timeout is answered 500. Never a pass: it fails
 * closed. The service's {@code Set-Cookie} reaches the client on the statuses nginx's {@code
 * add_header} covers (2xx, redirects), or on every response with {@code auth-always-set-cookie}.
 *
 * <p>{@code auth-cache-key}: answers with a status {@code auth-cache-duration} names (and no
 * {@code Set-Cookie}, which nginx's cache would not keep either) are kept in the server's {@link
 * AuthCache}. The key is a SHA-256 over the host, the auth URL, the route's origin, the expanded
 * key template <em>and the client's {@code Cookie} and {@code Authorization} headers</em>: two
 * requests with different credentials never share an answer, whatever the template says.
 * ingress-nginx keys by the template alone, so a template without the credentials there shares
 * one user's answer (and its {@code X-Auth-Request-User}) with everyone.
 *
 * <p>{@code /robots.txt} is answered as every guard answers it; ACME HTTP-01 answers come before
 * any guard ({@link AcmeChallenge}).
 */
public final class ExternalAuth implements Authentication, RouteFeature {

  private static final Logger log = LoggerFactory.getLogger(ExternalAuth.class);

  /** The statuses nginx's {@code add_header} (without {@code always}) adds a header to. */
  private static final Set<Integer> ADD_HEADER_CODES =
      Set.of(200, 201, 204, 206, 301, 302, 303, 304, 307, 308);

  /**
   * Hop-by-hop and body framing headers, and those ingress-nginx sets or clears, never sent to the
   * auth service as the client wrote them ({@code X-Original-URI} and {@code X-Scheme} are set
   * again with {@code auth-method}).
   */
  private static final List<String> NOT_SENT = List.of("connection", "keep-alive",
      "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
      "expect", "x-forwarded-proto", "proxy", "x-original-uri", "x-scheme");

  /**
   * How long answers with some statuses are kept ({@code auth-cache-duration}, nginx's {@code
   * proxy_cache_valid}).
   *
   * @param codes the statuses, or empty for any
   * @param ttl how long
   */
  public record CacheValidity(List<Integer> codes, Duration ttl) {
    public CacheValidity {
      codes = List.copyOf(codes);
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
      }
    }
  }

  /** ingress-nginx's default {@code auth-cache-duration}: {@code 200 202 401 5m}. */
  public static final List<CacheValidity> DEFAULT_CACHE_VALIDITY =
      List.of(new CacheValidity(List.of(200, 202, 401), Duration.ofMinutes(5)));

  private final String origin;
  private final VariableTemplate url;
  private final String method;
  private final @Nullable VariableTemplate signin;
  private final String signinRedirectParam;
  private final List<String> responseHeaders;
  private final @Nullable VariableTemplate requestRedirect;
  private final @Nullable VariableTemplate cacheKey;
  private final List<CacheValidity> cacheValidity;
  private final boolean alwaysSetCookie;
  private final Map<String, VariableTemplate> proxySetHeaders;
  private final Duration connectTimeout;
  private final Duration timeout;
  /** The target of a URL without variables, parsed once. */
  private final @Nullable AuthTarget fixed;
  /** Whether the signin URL already has its redirect parameter (then it is used as it is). */
  private final boolean signinHasRedirect;

  private ExternalAuth(Builder b) {
    this.origin = b.origin;
    this.url = b.url;
    this.method = b.method;
    this.signin = b.signin;
    this.signinRedirectParam = b.signinRedirectParam;
    this.responseHeaders = List.copyOf(b.responseHeaders);
    this.requestRedirect = b.requestRedirect;
    this.cacheKey = b.cacheKey;
    this.cacheValidity = List.copyOf(b.cacheValidity);
    this.alwaysSetCookie = b.alwaysSetCookie;
    this.proxySetHeaders = java.util.Collections.unmodifiableMap(new TreeMap<>(b.proxySetHeaders));
    this.connectTimeout = b.connectTimeout;
    this.timeout = b.timeout;
    this.fixed = url.isConstant() ? AuthTarget.parse(url.source()) : null;
    this.signinHasRedirect = signin != null && hasParam(signin.source(), signinRedirectParam);
  }

  /**
   * A builder for the auth service at {@code url} (an {@code http} or {@code https} URL, which may
   * hold nginx variables).
   *
   * @param origin who asked for it, for logs: {@code Ingress ns/name} or {@code global-auth-url}
   * @throws IllegalArgumentException when a URL without variables does not parse
   */
  public static Builder builder(String origin, VariableTemplate url) {
    if (url.isConstant()) {
      AuthTarget.parse(url.source());
    } else if (!url.isAbsoluteUrl()) {
      throw new IllegalArgumentException("expected an http:// or https:// URL");
    }
    return new Builder(origin, url);
  }

  /** The settings of an {@link ExternalAuth}; defaults are ingress-nginx's. */
  public static final class Builder {
    private final String origin;
    private final VariableTemplate url;
    private String method = "GET";
    private @Nullable VariableTemplate signin;
    private String signinRedirectParam = "rd";
    private List<String> responseHeaders = List.of();
    private @Nullable VariableTemplate requestRedirect;
    private @Nullable VariableTemplate cacheKey;
    private List<CacheValidity> cacheValidity = DEFAULT_CACHE_VALIDITY;
    private boolean alwaysSetCookie;
    private Map<String, VariableTemplate> proxySetHeaders = Map.of();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(60);

    private Builder(String origin, VariableTemplate url) {
      this.origin = Objects.requireNonNull(origin, "origin");
      this.url = url;
    }

    /** {@code auth-method}: the method of the auth request ({@code GET} when not set). */
    public Builder method(String value) {
      this.method = value.toUpperCase(Locale.ROOT);
      return this;
    }

    /** {@code auth-signin}: where a 401 sends the client instead. */
    public Builder signin(@Nullable VariableTemplate value) {
      this.signin = value;
      return this;
    }

    /** {@code auth-signin-redirect-param}: the signin URL's parameter for the original URL. */
    public Builder signinRedirectParam(String value) {
      this.signinRedirectParam = value;
      return this;
    }

    /** {@code auth-response-headers}: copied from a 2xx answer onto the upstream request. */
    public Builder responseHeaders(List<String> names) {
      this.responseHeaders = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
      return this;
    }

    /** {@code auth-request-redirect}: the {@code X-Auth-Request-Redirect} sent. */
    public Builder requestRedirect(@Nullable VariableTemplate value) {
      this.requestRedirect = value;
      return this;
    }

    /** {@code auth-cache-key} and {@code auth-cache-duration}. */
    public Builder cache(@Nullable VariableTemplate key, List<CacheValidity> validity) {
      this.cacheKey = key;
      this.cacheValidity = validity;
      return this;
    }

    /** {@code auth-always-set-cookie}. */
    public Builder alwaysSetCookie(boolean value) {
      this.alwaysSetCookie = value;
      return this;
    }

    /** {@code auth-proxy-set-headers}: headers set on the auth request (an empty value removes). */
    public Builder proxySetHeaders(Map<String, VariableTemplate> headers) {
      this.proxySetHeaders = headers;
      return this;
    }

    /** The connect bound (TCP and TLS) and the bound of the whole answer. */
    public Builder timeouts(Duration connect, Duration response) {
      if (connect.isNegative() || connect.isZero() || response.isNegative() || response.isZero()) {
        throw new IllegalArgumentException("timeouts: " + connect + ", " + response
            + " (expected: > 0)");
      }
      this.connectTimeout = connect;
      this.timeout = response;
      return this;
    }

    public ExternalAuth build() {
      return new ExternalAuth(this);
    }
  }

  @Override
  public Phase phase() {
    return Phase.GUARD;
  }

  @Override
  public String name() {
    return "external-auth";
  }

  /** The auth service as a backend, so the upstream pools keep its connections (fixed URLs). */
  @Override
  public List<Backend> backends() {
    AuthTarget t = fixed;
    if (t == null) {
      return List.of();
    }
    return List.of(new Backend("external-auth " + url.source(), List.of(t.endpoint()), List.of(),
        t.tls()));
  }

  /** Who asked for it: {@code Ingress ns/name} or {@code global-auth-url}. */
  public String origin() {
    return origin;
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    if (RequestGuard.isRobotsPath(request.path())) {
      return (StepOutcome.Answer) RequestGuard.robots()::response;
    }
    AuthTarget target;
    try {
      target = fixed != null ? fixed : AuthTarget.parse(
          url.expand(request, VariableTemplate.Context.URI));
    } catch (IllegalArgumentException e) {
      return settle(request, new AuthReply(502, EmptyHttpHeaders.INSTANCE,
          "auth-url " + url.source() + " expanded to no usable URL: " + e.getMessage()), 0, null);
    }
    AuthService service = request.services().auth();
    String key = cacheKey == null ? null : cacheKey(request, target);
    if (key != null) {
      AuthReply kept = service.cache().get(key);
      if (kept != null) {
        return settle(request, kept, System.nanoTime(), null);
      }
    }
    long start = System.nanoTime();
    var sent = service.send(request, target, authHead(request, target), connectTimeout, timeout);
    if (sent.isDone() && !sent.isCompletedExceptionally()) {
      return settle(request, sent.join(), start, key);
    }
    return new StepOutcome.Pending<>(sent, reply -> settle(request, reply, start, key));
  }

  /** The request sent to the auth service: the client's headers and ingress-nginx's. */
  HttpRequest authHead(StepRequest request, AuthTarget target) {
    HttpRequest client = request.head();
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method),
        target.uri());
    HttpHeaders h = head.headers();
    h.add(client.headers());
    for (String name : NOT_SENT) {
      h.remove(name);
    }
    String scheme = request.secure() ? "https" : "http";
    String requestUri = request.originUri();
    String clientAddress = request.client().getHostAddress();
    h.set(HttpHeaderNames.HOST, target.hostHeader());
    h.set("X-Original-URL", scheme + "://" + request.authority() + requestUri);
    h.set("X-Original-Method", client.method().name());
    h.set("X-Sent-From", "nginx-ingress-controller");
    h.set("X-Real-IP", clientAddress);
    h.set("X-Forwarded-For", clientAddress);
    h.set("X-Forwarded-Host", request.authority());
    h.set("X-Request-ID", request.facts().requestIdValue());
    h.set("X-Auth-Request-Redirect", requestRedirect == null ? requestUri
        : requestRedirect.expand(request, VariableTemplate.Context.HEADER));
    if (!method.equals("GET")) {
      // ingress-nginx sets these two only with auth-method.
      h.set("X-Original-URI", requestUri);
      h.set("X-Scheme", request.clientSecure() ? "https" : "http");
    }
    for (Map.Entry<String, VariableTemplate> e : proxySetHeaders.entrySet()) {
      String value = e.getValue().expand(request, VariableTemplate.Context.HEADER);
      if (value.isEmpty()) {
        h.remove(e.getKey());
      } else {
        h.set(e.getKey(), value);
      }
    }
    return head;
  }

  private StepOutcome settle(StepRequest request, @Nullable AuthReply reply, long start,
      @Nullable String key) {
    AuthReply r = reply != null ? reply
        : new AuthReply(502, EmptyHttpHeaders.INSTANCE, "the auth request failed");
    request.facts().auth(r.status(), start == 0 ? 0 : System.nanoTime() - start);
    request.authReply(r);
    if (!r.answered()) {
      log.warn("External authentication of {} for {}{} failed ({}): answered 500. Check that the"
          + " auth service is up and answers within {} s.", origin, request.host(),
          request.path(), r.failure(), timeout.toSeconds());
      return fail();
    }
    int status = r.status();
    if (key != null) {
      Duration ttl = ttl(status);
      if (ttl != null && !r.headers().contains(HttpHeaderNames.SET_COOKIE)) {
        request.services().auth().cache().put(key, r, ttl);
      }
    }
    if (status >= 200 && status < 300) {
      return StepOutcome.PASS;
    }
    if (status == 401) {
      if (signin != null) {
        String location = signinLocation(request);
        return (StepOutcome.Answer) keep -> {
          FullHttpResponse response = PlainResponses.text(HttpResponseStatus.FOUND,
              "302 Found: " + location + "\n", keep);
          response.headers().set(HttpHeaderNames.LOCATION, location);
          return response;
        };
      }
      List<String> challenge = r.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE);
      return (StepOutcome.Answer) keep -> {
        FullHttpResponse response = PlainResponses.of(HttpResponseStatus.UNAUTHORIZED,
            "authentication required", keep);
        response.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        return response;
      };
    }
    if (status == 403) {
      return (StepOutcome.Answer) keep ->
          PlainResponses.of(HttpResponseStatus.FORBIDDEN, "access denied", keep);
    }
    log.warn("External authentication of {} answered {} for {}{}: answered 500 (only 2xx, 401 and"
        + " 403 mean something to an auth request).", origin, status, request.host(),
        request.path());
    return fail();
  }

  private static StepOutcome fail() {
    return (StepOutcome.Answer) keep -> PlainResponses.of(HttpResponseStatus.INTERNAL_SERVER_ERROR,
        "external authentication failed", keep);
  }

  private @Nullable Duration ttl(int status) {
    for (CacheValidity v : cacheValidity) {
      if (v.codes().isEmpty() || v.codes().contains(status)) {
        return v.ttl();
      }
    }
    return null;
  }

  /**
   * ingress-nginx's {@code buildAuthSignURL}: the signin URL with {@code rd=} (or the configured
   * parameter) the original URL, unless the URL already sets that parameter.
   */
  String signinLocation(StepRequest request) {
    VariableTemplate s = Objects.requireNonNull(signin);
    String base = s.expand(request, VariableTemplate.Context.HEADER);
    if (signinHasRedirect) {
      return base;
    }
    String original = (request.clientSecure() ? "https" : "http") + "://" + request.authority()
        + VariableTemplate.escapeUri(request.originUri());
    return base + (s.source().indexOf('?') >= 0 ? "&" : "?") + signinRedirectParam + "="
        + original;
  }

  private static boolean hasParam(String url, String param) {
    int q = url.indexOf('?');
    if (q < 0) {
      return false;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(param) && eq + 1 < pair.length()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The cache key: the template's expansion, and always the client's credentials, so that two
   * users never share an answer.
   */
  private String cacheKey(StepRequest request, AuthTarget target) {
    HttpHeaders h = request.head().headers();
    List<String> parts = new ArrayList<>(8);
    parts.add(origin);
    parts.add(request.host());
    parts.add(target.hostHeader() + target.uri());
    parts.add(Objects.requireNonNull(cacheKey).expand(request, VariableTemplate.Context.HEADER));
    parts.add(String.join("; ", h.getAll(HttpHeaderNames.COOKIE)));
    parts.add(String.join(", ", h.getAll(HttpHeaderNames.AUTHORIZATION)));
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
    for (String p : parts) {
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      // Length-prefixed, so no two different lists of parts hash the same bytes.
      sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
          (byte) (bytes.length >>> 8), (byte) bytes.length});
      sha.update(bytes);
    }
    return Base64.getEncoder().withoutPadding().encodeToString(sha.digest());
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    HttpHeaders h = upstream.headers();
    for (String name : responseHeaders) {
      h.remove(name);
    }
    AuthReply r = request.authReply();
    if (r == null) {
      return;
    }
    for (String name : responseHeaders) {
      List<String> values = r.headers().getAll(name);
      if (!values.isEmpty()) {
        h.set(name, values.size() == 1 ? values.get(0) : String.join(", ", values));
      }
    }
  }

  @Override
  public boolean authenticated(StepRequest request) {
    AuthReply r = request.authReply();
    return r != null && r.answered() && r.status() >= 200 && r.status() < 300;
  }

  /** Nothing beyond {@link #toUpstream}, which strips the client's copies of the injected headers. */
  @Override
  public void unchecked(StepRequest request, HttpRequest upstream) {}

  @Override
  public void toClient(StepRequest request, HttpResponse response) {
    AuthReply r = request.authReply();
    if (r == null || !r.answered()) {
      return;
    }
    List<String> cookies = r.headers().getAll(HttpHeaderNames.SET_COOKIE);
    if (!cookies.isEmpty()
        && (alwaysSetCookie || ADD_HEADER_CODES.contains(response.status().code()))) {
      response.headers().add(HttpHeaderNames.SET_COOKIE, cookies);
    }
  }

  private List<Object> values() {
    return java.util.Arrays.asList(origin, url, method, signin, signinRedirectParam,
        responseHeaders, requestRedirect, cacheKey, cacheValidity, alwaysSetCookie,
        proxySetHeaders, connectTimeout, timeout);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ExternalAuth other && other.values().equals(values());
  }

  @Override
  public int hashCode() {
    return values().hashCode();
  }

  @Override
  public String toString() {
    return "external-auth(" + origin + ", " + url.source() + ")";
  }
}
