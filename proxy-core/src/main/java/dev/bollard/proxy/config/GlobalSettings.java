package dev.bollard.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * Process-wide proxy settings that travel with the snapshot: final values, resolved once by the
 * control plane when it publishes (a ConfigMap key, else its command-line flag, else the default).
 *
 * <p>They change with a snapshot swap like routes do, and apply to requests (and, for the client
 * timeouts, connections) that start after the swap. The data plane reads them as they are: it
 * never merges them with anything of its own.
 *
 * @param maxBodyBytes largest request body; 0 means unlimited (nginx's {@code
 *     client_max_body_size 0}); beyond it 413
 * @param timeouts the upstream and client timeouts
 * @param useProxyProtocol whether the listeners expect a PROXY protocol header from trusted peers
 * @param realIpCidrs proxies whose {@code X-Forwarded-For} / PROXY header is trusted
 * @param useForwardedHeaders whether {@code X-Forwarded-*} from trusted proxies is honoured
 * @param hsts the {@code Strict-Transport-Security} policy for TLS hosts
 * @param sslRedirect whether plain HTTP requests to TLS hosts are redirected
 * @param auth the global Basic-auth guard ({@code bollard-auth-*} keys) and the options every
 *     guard shares
 * @param edge what the edge adds around requests: access-log policy, header rules, client-address
 *     reading, request ids
 * @param bodyBuffering whether request bodies are read whole before an upstream connection is
 *     taken ({@code proxy-request-buffering}, {@code client-body-buffer-size}); a route's Ingress
 *     may turn it off
 * @param nextUpstream when a failed request goes to the next endpoint ({@code proxy-next-upstream},
 *     {@code -tries}, {@code -timeout})
 * @param allowSnippetAnnotations ingress-nginx's {@code allow-snippet-annotations}: whether the
 *     controller translates the safe directives of an Ingress's snippet annotations into steps
 *     (snippets are never run); read by translation only, the data plane never looks at it
 * @param keepAliveRequests most requests one client connection serves before it is closed (nginx's
 *     {@code keepalive_requests}; the last response says {@code Connection: close}); for new
 *     connections
 * @param customHttpErrors the status codes whose responses are replaced by an error page from the
 *     default backend ({@code custom-http-errors}); an Ingress's annotation replaces the list
 * @param access the global client address and {@code User-Agent} rules ({@code
 *     whitelist-source-range}, {@code denylist-source-range}, {@code block-cidrs}, {@code
 *     block-user-agents})
 * @param limitStatus the status codes of requests refused by a route's rate limits ({@code
 *     limit-req-status-code}, {@code limit-conn-status-code})
 * @param loadBalance how routes spread requests over endpoints ({@code load-balance}); an
 *     Ingress's annotation overrides it
 * @param responseRate the bandwidth of each response to the client ({@code limit-rate}, {@code
 *     limit-rate-after}); an Ingress's annotations override it
 * @param customHeadersFailClosed whether the routes of an Ingress whose {@code custom-headers}
 *     ConfigMap is missing or bad answer 503, as ingress-nginx's ({@code
 *     bollard-custom-headers-fail-closed}); else they are served without those headers. Read by
 *     translation only, the data plane never looks at it
 * @param globalAuth the {@code global-auth-*} keys as written, read by translation only
 * @param upstreamHashBy the nginx variable expression routes hash their requests over endpoints
 *     with ({@code upstream-hash-by}, such as {@code $request_uri}; compiled and checked by the
 *     route steps), empty for none; an Ingress's annotation overrides it
 * @param http2 HTTP/2 towards clients: whether ALPN offers it ({@code use-http2}) and its limits
 *     ({@code http2-*})
 * @param headerMaps ingress-nginx's {@code proxy-set-headers}, {@code add-headers} and {@code
 *     hide-headers}, with the referenced ConfigMaps' entries once the snapshot is built
 */
public record GlobalSettings(
    long maxBodyBytes,
    Timeouts timeouts,
    boolean useProxyProtocol,
    List<String> realIpCidrs,
    boolean useForwardedHeaders,
    Hsts hsts,
    boolean sslRedirect,
    AuthSettings auth,
    EdgeSettings edge,
    BodyBuffering bodyBuffering,
    NextUpstream nextUpstream,
    boolean allowSnippetAnnotations,
    int keepAliveRequests,
    ErrorCodes customHttpErrors,
    AccessRules access,
    LimitStatus limitStatus,
    LoadBalance loadBalance,
    ResponseRate responseRate,
    boolean customHeadersFailClosed,
    GlobalAuth globalAuth,
    String upstreamHashBy,
    Http2Settings http2,
    HeaderMaps headerMaps) {

  /** nginx's and ingress-nginx's {@code keepalive_requests} default. */
  public static final int KEEP_ALIVE_REQUESTS = 1000;

  /**
   * What the proxy does when nobody configured anything: no body limit, {@link Timeouts#DEFAULTS},
   * no PROXY protocol, no trusted proxies, request bodies streamed ({@link BodyBuffering#OFF}: with
   * no body limit a buffered body would have no bound), no bound on requests per connection. The control plane's defaults
   * (ingress-nginx's) come from its settings catalog, not from here.
   */
  public static final GlobalSettings DEFAULTS =
      new GlobalSettings(
          0, Timeouts.DEFAULTS, false, List.of(), false, Hsts.DEFAULTS, true, AuthSettings.NONE,
          EdgeSettings.DEFAULTS);

  public GlobalSettings {
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException(
          "maxBodyBytes: " + maxBodyBytes + " (expected: >= 0, 0 for unlimited)");
    }
    realIpCidrs = List.copyOf(realIpCidrs);
    java.util.Objects.requireNonNull(customHttpErrors, "customHttpErrors");
    java.util.Objects.requireNonNull(access, "access");
    java.util.Objects.requireNonNull(limitStatus, "limitStatus");
    java.util.Objects.requireNonNull(loadBalance, "loadBalance");
    java.util.Objects.requireNonNull(responseRate, "responseRate");
    java.util.Objects.requireNonNull(globalAuth, "globalAuth");
    java.util.Objects.requireNonNull(upstreamHashBy, "upstreamHashBy");
    java.util.Objects.requireNonNull(http2, "http2");
    java.util.Objects.requireNonNull(headerMaps, "headerMaps");
    if (keepAliveRequests < 1) {
      throw new IllegalArgumentException(
          "keepAliveRequests: " + keepAliveRequests + " (expected: >= 1)");
    }
  }

  /**
   * Settings with ingress-nginx's retry rules ({@link NextUpstream#DEFAULTS}), no snippets, no error pages
   * ({@link ErrorCodes#NONE}) and no
   * bound on requests per client connection (the control plane's default is ingress-nginx's,
   * {@value #KEEP_ALIVE_REQUESTS}).
   */
  public GlobalSettings(
      long maxBodyBytes,
      Timeouts timeouts,
      boolean useProxyProtocol,
      List<String> realIpCidrs,
      boolean useForwardedHeaders,
      Hsts hsts,
      boolean sslRedirect,
      AuthSettings auth,
      EdgeSettings edge,
      BodyBuffering bodyBuffering) {
    this(maxBodyBytes, timeouts, useProxyProtocol, realIpCidrs, useForwardedHeaders, hsts,
        sslRedirect, auth, edge, bodyBuffering, NextUpstream.DEFAULTS, false, Integer.MAX_VALUE,
        ErrorCodes.NONE);
  }

  /** Settings that stream request bodies ({@link BodyBuffering#OFF}). */
  public GlobalSettings(
      long maxBodyBytes,
      Timeouts timeouts,
      boolean useProxyProtocol,
      List<String> realIpCidrs,
      boolean useForwardedHeaders,
      Hsts hsts,
      boolean sslRedirect,
      AuthSettings auth,
      EdgeSettings edge) {
    this(maxBodyBytes, timeouts, useProxyProtocol, realIpCidrs, useForwardedHeaders, hsts,
        sslRedirect, auth, edge, BodyBuffering.OFF);
  }

  /** Settings without client rules ({@link AccessRules#NONE}). */
  public GlobalSettings(
      long maxBodyBytes,
      Timeouts timeouts,
      boolean useProxyProtocol,
      List<String> realIpCidrs,
      boolean useForwardedHeaders,
      Hsts hsts,
      boolean sslRedirect,
      AuthSettings auth,
      EdgeSettings edge,
      BodyBuffering bodyBuffering,
      NextUpstream nextUpstream,
      boolean allowSnippetAnnotations,
      int keepAliveRequests,
      ErrorCodes customHttpErrors) {
    this(maxBodyBytes, timeouts, useProxyProtocol, realIpCidrs, useForwardedHeaders, hsts,
        sslRedirect, auth, edge, bodyBuffering, nextUpstream, allowSnippetAnnotations,
        keepAliveRequests, customHttpErrors,
        // The defaults of every setting added since: the one place they are written.
        AccessRules.NONE, LimitStatus.DEFAULTS, LoadBalance.ROUND_ROBIN, ResponseRate.NONE, false,
        GlobalAuth.NONE, "", Http2Settings.DEFAULTS, HeaderMaps.NONE);
  }

  /** These settings with other client rules. */

  public GlobalSettings withAccess(AccessRules rules) {
    return toBuilder().access(rules).build();
  }

  /** These settings with other status codes for rate-limited requests. */

  public GlobalSettings withLimitStatus(LimitStatus value) {
    return toBuilder().limitStatus(value).build();
  }

  /** These settings with {@code allow-snippet-annotations} set to {@code value}. */

  public GlobalSettings withAllowSnippetAnnotations(boolean value) {
    return toBuilder().allowSnippetAnnotations(value).build();
  }

  /** These settings with another Basic-auth configuration. */

  public GlobalSettings withAuth(AuthSettings newAuth) {
    return toBuilder().auth(newAuth).build();
  }

  /** These settings with another request body policy. */

  public GlobalSettings withBodyBuffering(BodyBuffering newBodyBuffering) {
    return toBuilder().bodyBuffering(newBodyBuffering).build();
  }

  /** These settings with other timeouts. */

  public GlobalSettings withTimeouts(Timeouts newTimeouts) {
    return toBuilder().timeouts(newTimeouts).build();
  }

  /** These settings with another bound on requests per client connection. */

  public GlobalSettings withKeepAliveRequests(int value) {
    return toBuilder().keepAliveRequests(value).build();
  }

  /** These settings with other retry rules. */

  public GlobalSettings withNextUpstream(NextUpstream newNextUpstream) {
    return toBuilder().nextUpstream(newNextUpstream).build();
  }

  /** These settings with other codes replaced by error pages ({@code custom-http-errors}). */

  public GlobalSettings withCustomHttpErrors(ErrorCodes codes) {
    return toBuilder().customHttpErrors(codes).build();
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Settings built field by field, starting from another's ({@link #toBuilder}) or from {@link
   * #DEFAULTS} ({@link #builder}): adding a setting adds a field here, not an argument to every
   * caller.
   */
  public static final class Builder {
    private long maxBodyBytes;
    private Timeouts timeouts;
    private boolean useProxyProtocol;
    private List<String> realIpCidrs;
    private boolean useForwardedHeaders;
    private Hsts hsts;
    private boolean sslRedirect;
    private AuthSettings auth;
    private EdgeSettings edge;
    private BodyBuffering bodyBuffering;
    private NextUpstream nextUpstream;
    private boolean allowSnippetAnnotations;
    private int keepAliveRequests;
    private ErrorCodes customHttpErrors;
    private AccessRules access;
    private LimitStatus limitStatus;
    private LoadBalance loadBalance;
    private ResponseRate responseRate;
    private boolean customHeadersFailClosed;
    private GlobalAuth globalAuth;
    private String upstreamHashBy;
    private Http2Settings http2;
    private HeaderMaps headerMaps;

    private Builder(GlobalSettings from) {
      this.maxBodyBytes = from.maxBodyBytes;
      this.timeouts = from.timeouts;
      this.useProxyProtocol = from.useProxyProtocol;
      this.realIpCidrs = from.realIpCidrs;
      this.useForwardedHeaders = from.useForwardedHeaders;
      this.hsts = from.hsts;
      this.sslRedirect = from.sslRedirect;
      this.auth = from.auth;
      this.edge = from.edge;
      this.bodyBuffering = from.bodyBuffering;
      this.nextUpstream = from.nextUpstream;
      this.allowSnippetAnnotations = from.allowSnippetAnnotations;
      this.keepAliveRequests = from.keepAliveRequests;
      this.customHttpErrors = from.customHttpErrors;
      this.access = from.access;
      this.limitStatus = from.limitStatus;
      this.loadBalance = from.loadBalance;
      this.responseRate = from.responseRate;
      this.customHeadersFailClosed = from.customHeadersFailClosed;
      this.globalAuth = from.globalAuth;
      this.upstreamHashBy = from.upstreamHashBy;
      this.http2 = from.http2;
      this.headerMaps = from.headerMaps;
    }

    public Builder maxBodyBytes(long value) {
      this.maxBodyBytes = value;
      return this;
    }

    public Builder timeouts(Timeouts value) {
      this.timeouts = value;
      return this;
    }

    public Builder useProxyProtocol(boolean value) {
      this.useProxyProtocol = value;
      return this;
    }

    public Builder realIpCidrs(List<String> value) {
      this.realIpCidrs = value;
      return this;
    }

    public Builder useForwardedHeaders(boolean value) {
      this.useForwardedHeaders = value;
      return this;
    }

    public Builder hsts(Hsts value) {
      this.hsts = value;
      return this;
    }

    public Builder sslRedirect(boolean value) {
      this.sslRedirect = value;
      return this;
    }

    public Builder auth(AuthSettings value) {
      this.auth = value;
      return this;
    }

    public Builder edge(EdgeSettings value) {
      this.edge = value;
      return this;
    }

    public Builder bodyBuffering(BodyBuffering value) {
      this.bodyBuffering = value;
      return this;
    }

    public Builder nextUpstream(NextUpstream value) {
      this.nextUpstream = value;
      return this;
    }

    public Builder allowSnippetAnnotations(boolean value) {
      this.allowSnippetAnnotations = value;
      return this;
    }

    public Builder keepAliveRequests(int value) {
      this.keepAliveRequests = value;
      return this;
    }

    public Builder customHttpErrors(ErrorCodes value) {
      this.customHttpErrors = value;
      return this;
    }

    public Builder access(AccessRules value) {
      this.access = value;
      return this;
    }

    public Builder limitStatus(LimitStatus value) {
      this.limitStatus = value;
      return this;
    }

    public Builder headerMaps(HeaderMaps value) {
      this.headerMaps = value;
      return this;
    }

    public Builder http2(Http2Settings value) {
      this.http2 = value;
      return this;
    }

    public Builder loadBalance(LoadBalance value) {
      this.loadBalance = value;
      return this;
    }

    public Builder responseRate(ResponseRate value) {
      this.responseRate = value;
      return this;
    }

    public Builder customHeadersFailClosed(boolean value) {
      this.customHeadersFailClosed = value;
      return this;
    }

    public Builder globalAuth(GlobalAuth value) {
      this.globalAuth = value;
      return this;
    }

    public Builder upstreamHashBy(String value) {
      this.upstreamHashBy = value;
      return this;
    }

    /** The settings; the same checks as the constructor's. */
    public GlobalSettings build() {
      return new GlobalSettings(
          maxBodyBytes,
          timeouts,
          useProxyProtocol,
          realIpCidrs,
          useForwardedHeaders,
          hsts,
          sslRedirect,
          auth,
          edge,
          bodyBuffering,
          nextUpstream,
          allowSnippetAnnotations,
          keepAliveRequests,
          customHttpErrors,
          access,
          limitStatus,
          loadBalance,
          responseRate,
          customHeadersFailClosed,
          globalAuth,
          upstreamHashBy,
          http2,
          headerMaps);
    }
  }

  /**
   * Request buffering, after ingress-nginx's {@code proxy-request-buffering} and {@code
   * client-body-buffer-size}: a request body is read whole before an upstream connection is
   * taken, so a slow client costs bounded proxy memory instead of a backend worker. Its first
   * {@code memoryBytes} are kept in memory, the rest in an unlinked temporary file of at most
   * {@code proxy-body-size} bytes; all such files together hold at most {@code fileBytes} (then
   * 503). Bodyless requests and WebSocket upgrades are never buffered.
   *
   * @param on whether bodies are buffered (off: streamed up as they arrive)
   * @param memoryBytes how much of one body is kept in memory before the rest goes to a file
   * @param fileBytes how much the temporary files of all buffered bodies may hold together
   */
  public record BodyBuffering(boolean on, int memoryBytes, long fileBytes) {

    /** Bodies streamed as they arrive. */
    public static final BodyBuffering OFF = new BodyBuffering(false, 8 * 1024, 32L << 20);

    /** ingress-nginx's defaults: on, 8 KiB in memory; and 32 MiB of files in all. */
    public static final BodyBuffering DEFAULTS = new BodyBuffering(true, 8 * 1024, 32L << 20);

    public BodyBuffering {
      if (memoryBytes < 0) {
        throw new IllegalArgumentException("memoryBytes: " + memoryBytes + " (expected: >= 0)");
      }
      if (fileBytes < 0) {
        throw new IllegalArgumentException("fileBytes: " + fileBytes + " (expected: >= 0)");
      }
    }

    /** This policy, turned on or off (a route's {@code proxy-request-buffering} annotation). */
    public BodyBuffering turned(boolean value) {
      return value == on ? this : new BodyBuffering(value, memoryBytes, fileBytes);
    }

    /** This policy with another memory share (a route's {@code client-body-buffer-size}). */
    public BodyBuffering withMemoryBytes(int value) {
      return value == memoryBytes ? this : new BodyBuffering(on, value, fileBytes);
    }
  }

  /**
   * The timeouts, each final and positive.
   *
   * @param connect upstream TCP connect timeout per attempt; then the next endpoint, finally 502
   * @param read longest upstream silence while a response is due (504)
   * @param send longest stall writing a request to an upstream (504 before the response started)
   * @param clientHeader time a client has to send a request head (408); for new connections
   * @param keepAlive idle client keep-alive connections close after this; for new connections
   * @param clientBody longest pause between two reads of a request body (408); for new
   *     connections
   * @param clientSend longest stall writing a response to a client (the connection closes); for
   *     new connections
   */
  public record Timeouts(
      Duration connect, Duration read, Duration send, Duration clientHeader, Duration keepAlive,
      Duration clientBody, Duration clientSend) {

    /**
     * nginx's defaults: 5 s connect, 60 s read, send, header, body and client send, 75 s
     * keep-alive.
     */
    public static final Timeouts DEFAULTS =
        new Timeouts(
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(75),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60));

    public Timeouts {
      requirePositive("connect", connect);
      requirePositive("read", read);
      requirePositive("send", send);
      requirePositive("clientHeader", clientHeader);
      requirePositive("keepAlive", keepAlive);
      requirePositive("clientBody", clientBody);
      requirePositive("clientSend", clientSend);
    }

    private static void requirePositive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " timeout: " + value + " (expected: > 0)");
      }
    }
  }

  /**
   * The HTTP Strict Transport Security policy, after ingress-nginx's {@code hsts*} keys.
   *
   * @param enabled whether the header is sent on TLS responses
   * @param maxAgeSeconds the {@code max-age} directive
   * @param includeSubdomains whether {@code includeSubDomains} is added
   * @param preload whether {@code preload} is added
   */
  public record Hsts(
      boolean enabled, long maxAgeSeconds, boolean includeSubdomains, boolean preload) {

    /** ingress-nginx's defaults: on, one year, with subdomains, no preload. */
    public static final Hsts DEFAULTS = new Hsts(true, 31_536_000, true, false);

    public Hsts {
      if (maxAgeSeconds < 0) {
        throw new IllegalArgumentException(
            "maxAgeSeconds: " + maxAgeSeconds + " (expected: >= 0)");
      }
    }
  }
}
