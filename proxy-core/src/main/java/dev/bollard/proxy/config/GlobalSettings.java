package dev.bollard.proxy.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Process-wide proxy settings that travel with the snapshot: the active version of the versioned
 * ConfigMap, validated by the control plane.
 *
 * <p>They change with a snapshot swap like routes do, and apply to requests (and, for the client
 * timeouts, connections) that start after the swap. A {@code null} timeout means "not configured":
 * the listener's own value ({@code ServerSettings}, from the command line) applies.
 *
 * @param maxBodyBytes largest request body; 0 means unlimited (nginx's {@code
 *     client_max_body_size 0}); beyond it 413
 * @param connectTimeout upstream TCP connect timeout, or {@code null} for the listener's
 * @param readTimeout longest upstream silence while a response is due, or {@code null}
 * @param sendTimeout longest stall writing a request to an upstream, or {@code null} (carried, not
 *     applied yet)
 * @param clientHeaderTimeout time a client has to send a request head, or {@code null}
 * @param keepAliveTimeout idle client keep-alive connections close after this, or {@code null}
 * @param useProxyProtocol whether the listeners expect a PROXY protocol header (carried, applied by
 *     the client-address work)
 * @param realIpCidrs proxies whose {@code X-Forwarded-For} / PROXY header is trusted (carried)
 * @param useForwardedHeaders whether {@code X-Forwarded-*} from trusted proxies is honoured
 *     (carried)
 * @param hsts the {@code Strict-Transport-Security} policy for TLS hosts (carried, applied with TLS)
 * @param sslRedirect whether plain HTTP requests to TLS hosts are redirected (carried, applied with
 *     TLS)
 * @param auth the global Basic-auth guard ({@code bollard-auth-*} keys) and the options every
 *     guard shares
 * @param edge what the edge adds around requests: access-log policy, header rules, client-address
 *     reading, request ids
 */
public record GlobalSettings(
    long maxBodyBytes,
    @Nullable Duration connectTimeout,
    @Nullable Duration readTimeout,
    @Nullable Duration sendTimeout,
    @Nullable Duration clientHeaderTimeout,
    @Nullable Duration keepAliveTimeout,
    boolean useProxyProtocol,
    List<String> realIpCidrs,
    boolean useForwardedHeaders,
    Hsts hsts,
    boolean sslRedirect,
    AuthSettings auth,
    EdgeSettings edge) {

  /**
   * What the proxy does when nobody configured anything: no body limit, the listener's timeouts,
   * no PROXY protocol, no trusted proxies. The control plane's defaults (ingress-nginx's) are
   * applied by the control plane, not here.
   */
  public static final GlobalSettings DEFAULTS =
      new GlobalSettings(
          0, null, null, null, null, null, false, List.of(), false, Hsts.DEFAULTS, true,
          AuthSettings.NONE, EdgeSettings.DEFAULTS);

  public GlobalSettings {
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException(
          "maxBodyBytes: " + maxBodyBytes + " (expected: >= 0, 0 for unlimited)");
    }
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("readTimeout", readTimeout);
    requirePositive("sendTimeout", sendTimeout);
    requirePositive("clientHeaderTimeout", clientHeaderTimeout);
    requirePositive("keepAliveTimeout", keepAliveTimeout);
    realIpCidrs = List.copyOf(realIpCidrs);
  }

  /** These settings with another Basic-auth configuration. */
  public GlobalSettings withAuth(AuthSettings newAuth) {
    return toBuilder().auth(newAuth).build();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  private static void requirePositive(String name, @Nullable Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0 or unset)");
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

  /** Assembles settings one value at a time; the record checks them on {@link #build()}. */
  public static final class Builder {
    private long maxBodyBytes;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration readTimeout;
    private @Nullable Duration sendTimeout;
    private @Nullable Duration clientHeaderTimeout;
    private @Nullable Duration keepAliveTimeout;
    private boolean useProxyProtocol;
    private List<String> realIpCidrs;
    private boolean useForwardedHeaders;
    private Hsts hsts;
    private boolean sslRedirect;
    private AuthSettings auth;
    private EdgeSettings edge;

    private Builder(GlobalSettings s) {
      maxBodyBytes = s.maxBodyBytes;
      connectTimeout = s.connectTimeout;
      readTimeout = s.readTimeout;
      sendTimeout = s.sendTimeout;
      clientHeaderTimeout = s.clientHeaderTimeout;
      keepAliveTimeout = s.keepAliveTimeout;
      useProxyProtocol = s.useProxyProtocol;
      realIpCidrs = s.realIpCidrs;
      useForwardedHeaders = s.useForwardedHeaders;
      hsts = s.hsts;
      sslRedirect = s.sslRedirect;
      auth = s.auth;
      edge = s.edge;
    }

    public Builder maxBodyBytes(long value) {
      maxBodyBytes = value;
      return this;
    }

    public Builder connectTimeout(@Nullable Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder readTimeout(@Nullable Duration value) {
      readTimeout = value;
      return this;
    }

    public Builder sendTimeout(@Nullable Duration value) {
      sendTimeout = value;
      return this;
    }

    public Builder clientHeaderTimeout(@Nullable Duration value) {
      clientHeaderTimeout = value;
      return this;
    }

    public Builder keepAliveTimeout(@Nullable Duration value) {
      keepAliveTimeout = value;
      return this;
    }

    public Builder useProxyProtocol(boolean value) {
      useProxyProtocol = value;
      return this;
    }

    public Builder realIpCidrs(List<String> value) {
      realIpCidrs = value;
      return this;
    }

    public Builder useForwardedHeaders(boolean value) {
      useForwardedHeaders = value;
      return this;
    }

    public Builder hsts(Hsts value) {
      hsts = value;
      return this;
    }

    /** The HSTS policy set so far, so that one part of it can be replaced. */
    public Hsts hsts() {
      return hsts;
    }

    public Builder sslRedirect(boolean value) {
      sslRedirect = value;
      return this;
    }

    public Builder auth(AuthSettings value) {
      auth = value;
      return this;
    }

    /** The Basic-auth settings so far, so that one part of them can be replaced. */
    public AuthSettings auth() {
      return auth;
    }

    public Builder edge(EdgeSettings value) {
      edge = value;
      return this;
    }

    /** The edge settings so far, so that one part of them can be replaced. */
    public EdgeSettings edge() {
      return edge;
    }

    /**
     * @throws IllegalArgumentException if a value is out of range (the message names it)
     */
    public GlobalSettings build() {
      return new GlobalSettings(
          maxBodyBytes,
          connectTimeout,
          readTimeout,
          sendTimeout,
          clientHeaderTimeout,
          keepAliveTimeout,
          useProxyProtocol,
          realIpCidrs,
          useForwardedHeaders,
          hsts,
          sslRedirect,
          auth,
          edge);
    }
  }
}
