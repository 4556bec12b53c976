package dev.bollard.proxy.config;

import java.util.Objects;

/**
 * ingress-nginx's global external authentication keys ({@code global-auth-*}) as the ConfigMap
 * wrote them: the translator parses them with the {@code auth-*} annotations' rules into the
 * external-auth step of every route whose Ingress has no {@code auth-url} of its own and does not
 * say {@code enable-global-auth: "false"}. The data plane never reads this.
 *
 * @param url {@code global-auth-url}, empty for none
 * @param method {@code global-auth-method}
 * @param signin {@code global-auth-signin}
 * @param signinRedirectParam {@code global-auth-signin-redirect-param}
 * @param responseHeaders {@code global-auth-response-headers}
 * @param requestRedirect {@code global-auth-request-redirect}
 * @param cacheKey {@code global-auth-cache-key}
 * @param cacheDuration {@code global-auth-cache-duration}
 * @param alwaysSetCookie {@code global-auth-always-set-cookie}
 */
public record GlobalAuth(String url, String method, String signin, String signinRedirectParam,
    String responseHeaders, String requestRedirect, String cacheKey, String cacheDuration,
    String alwaysSetCookie) {

  /** No global external authentication. */
  public static final GlobalAuth NONE = new GlobalAuth("", "", "", "", "", "", "", "", "");

  public GlobalAuth {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(signin, "signin");
    Objects.requireNonNull(signinRedirectParam, "signinRedirectParam");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
    Objects.requireNonNull(requestRedirect, "requestRedirect");
    Objects.requireNonNull(cacheKey, "cacheKey");
    Objects.requireNonNull(cacheDuration, "cacheDuration");
    Objects.requireNonNull(alwaysSetCookie, "alwaysSetCookie");
  }

  /** Whether global external authentication is on ({@code global-auth-url} set). */
  public boolean on() {
    return !url.isBlank();
  }
}
