package dev.bollard.controller.compat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every annotation and ConfigMap key of ingress-nginx with Bollard's {@link Status}: the one table
 * behind the translator's "ignored" problems, {@code bollard migrate} and {@code
 * docs/ingress-nginx.md}.
 *
 * <p>Sources: ingress-nginx's {@code docs/user-guide/nginx-configuration/annotations.md} and
 * {@code configmap.md} and its annotation parsers ({@code internal/ingress/annotations}).
 *
 * <p>Changing what Bollard does with one of them: change its entry here, then regenerate the
 * document ({@code CatalogueDocumentTest} says how). The tests check that an annotation called
 * honoured changes the translation and that a ConfigMap key called honoured is a key of the
 * settings catalog.
 */
public final class IngressNginx {

  /** ingress-nginx's annotation prefix. */
  public static final String PREFIX = "nginx.ingress.kubernetes.io/";

  /** Where the table is explained, as problems and reports name it. */
  public static final String DOCUMENT = "docs/ingress-nginx.md";

  private IngressNginx() {}

  // --- Annotations. Order: as the document lists them, grouped by what they do.

  private static final String LIMIT_ANSWER = "The refusal is Bollard's own plain answer:"
      + " custom-http-errors pages do not replace it (nginx's error_page would)";
  private static final String GLOBAL_LIMIT = "ingress-nginx counts global-rate-limit* in a"
      + " memcached shared by its replicas (global-rate-limit-memcached-host; without one it"
      + " limits nothing); Bollard has no shared counter store: its limits (limit-rps, limit-rpm,"
      + " limit-connections) count per replica and real client address. Use those, with the"
      + " rate divided by the replica count for a cluster-wide bound, or limit in front of the"
      + " cluster (a load balancer or API gateway with shared state)";
  private static final String STREAMS =
      "Bollard streams responses to the client as they arrive (nginx's proxy_buffering off, "
          + "ingress-nginx's default); there is no response buffer to size";
  private static final String SNIPPET =
      "never executed; with allow-snippet-annotations: \"true\" (default false, as in"
          + " ingress-nginx) the safe directives more_set_headers, more_clear_headers,"
          + " more_set_input_headers, more_clear_input_headers, add_header, proxy_set_header,"
          + " proxy_hide_header, return (a redirect, or a code with text) and rewrite ..."
          + " permanent|redirect|break are translated into typed steps, nginx variables such as"
          + " $host and $request_uri expanded; every other directive is a problem naming it, and"
          + " a snippet with one is not applied at all";
  private static final String NO_TRACING =
      "Bollard has no tracing module; request ids (X-Request-Id) and the access log are its"
          + " correlation tools";
  private static final String NO_WAF =
      "Bollard has no ModSecurity/WAF; put a WAF in front of Bollard or in the backend before"
          + " relying on this";
  private static final String HTTPS = "backend-protocol";
  private static final String AUTH_URL_SAMPLE = "http://auth.example/oauth2/auth";
  private static final String AUTH_KEEPALIVE = "connections to the auth service are always kept"
      + " alive and pooled per event loop (idle ones close after --upstream-idle-timeout)";
  private static final String BALANCE =
      "round_robin, ewma and least_conn (ingress-nginx has no least_conn); the state is per event"
          + " loop as ingress-nginx's round robin is per worker (ingress-nginx shares ewma's averages"
          + " between workers); ewma measures each try from its connect to the response head"
          + " (ingress-nginx: to the response's end) and multiplies the average by the requests in"
          + " flight plus one; another value is a problem naming it";
  private static final String HASH_BY =
      "consistent hashing (160 points per endpoint) of the expanded key; the variables of"
          + " snippets plus $binary_remote_addr, $cookie_<name> and $arg_<name>: any other is a"
          + " problem naming it, and the key is not applied. The same key goes to the same endpoint"
          + " as long as it is ready, but not to the endpoint ingress-nginx's hash would pick. A"
          + " failed try goes on in the route's load-balance order (proxy-next-upstream)";
  private static final String HASH_SUBSET =
      "not implemented: with upstream-hash-by each key goes to one endpoint, not to a random"
          + " endpoint of a subset of upstream-hash-by-subset-size endpoints";

  /** Every annotation, in document order. */
  public static final List<Entry> ANNOTATIONS = List.of(
      // Routing and rewrites
      differs("use-regex", "true",
          "paths are RE2 regular expressions (linear-time matching): constructs RE2 lacks"
              + " (lookaround, backreferences, atomic groups) are a problem naming the path;"
              + " nginx's case-insensitive regex precedence is kept, also its quirk that one"
              + " Ingress's regex turns every path of the host (Exact ones too) into a regex;"
              + " any pathType may hold a regex (strict-validate-path-type: false)"),
      differs("rewrite-target", "/",
          "capture groups $1…$9 from the path's regex; like ingress-nginx, rewrite-target turns"
              + " the host's paths into regular expressions. A URL target (nginx would redirect),"
              + " nginx variables and $0 are refused as problems; use the redirect annotations"),
      differs("app-root", "/app",
          "a request for exactly / is redirected (302) to the app root, on every route of the"
              + " Ingress's hosts (an Exact / route is added when nothing serves /), before the"
              + " route's CORS preflight answer and redirects, as nginx's server-level if; \"/\""
              + " itself is a problem (it would loop)"),
      honoured("x-forwarded-prefix", "/shop",
          "sets X-Forwarded-Prefix upstream, replacing the client's"),
      honoured("server-alias", "www.shop.example.com",
          "each alias serves the Ingress's rules; a host an Ingress names itself wins over an"
              + " alias, as in ingress-nginx"),
      differs("upstream-vhost", "internal.example.com",
          "the Host header sent upstream; nginx variables ($namespace…) are a problem rather than"
              + " expanded"),
      ignored("use-port-in-redirects",
          "Bollard's redirects name the port of --https-redirect-port for HTTPS and the request's"
              + " own authority otherwise"),
      ignored("preserve-trailing-slash",
          "Bollard's HTTPS redirect keeps the request URI exactly, trailing slash included"
              + " (as with preserve-trailing-slash: true)"),
      // Redirects
      differs("permanent-redirect", "https://example.org/",
          "answered by Bollard (301 by default) without contacting the backend; the URI is not"
              + " appended, as in ingress-nginx; Bollard also expands nginx variables such as"
              + " $request_uri in the URL, which ingress-nginx's validation refuses"),
      differs("permanent-redirect-code", "308",
          "301, 302, 303, 307, 308; other values fall back to 301 as in ingress-nginx, but are"
              + " reported (300 and 304-306 too: nginx would send no Location)")
          .with("permanent-redirect", "https://example.org/"),
      honoured("temporal-redirect", "https://example.org/",
          "answered by Bollard (302 by default); wins over permanent-redirect, as in"
              + " ingress-nginx"),
      honoured("temporal-redirect-code", "307", "300-308; other values fall back to 302")
          .with("temporal-redirect", "https://example.org/"),
      differs("from-to-www-redirect", "true",
          "www.host redirects to host and back, for the hosts of the Ingress; always 308"
              + " (http-redirect-code is not read), the URI kept exactly (ingress-nginx drops a"
              + " trailing slash) and the port the client used; a host another Ingress names"
              + " itself is not taken over (a problem); the other name gets the host's certificate"
              + " only if it covers it"),
      honoured("ssl-redirect", "false",
          "plain HTTP requests for a host with TLS are redirected (308); \"false\" turns it off"
              + " for the Ingress"),
      honoured("force-ssl-redirect", "true",
          "redirect to HTTPS even for hosts without TLS of their own (TLS ended in front)"),
      // Upstream
      honoured(HTTPS, "HTTPS",
          "HTTP, HTTPS, AUTO_HTTP, GRPC (HTTP/2 in clear text, prior knowledge) and GRPCS (HTTP/2"
              + " over TLS through ALPN, with the proxy-ssl-* annotations as for HTTPS); HTTP/2"
              + " upstream connections are pooled per event loop and carry many streams, request"
              + " buffering is off for them, grpc-timeout is honoured, and the errors Bollard"
              + " makes for gRPC requests are gRPC statuses (HTTP 200, grpc-status 14 when no"
              + " endpoint answers, 4 on a timeout). AJP and FCGI are refused: those values are a"
              + " problem naming the Ingress and the value, and the backend gets HTTP"),
      honoured("proxy-ssl-secret", "shop/backend-tls",
          "client certificate (tls.crt, tls.key) and trusted CAs (ca.crt) for HTTPS backends; a"
              + " missing or broken Secret makes the Ingress's routes answer 503 (fail closed), as"
              + " ingress-nginx denies the location")
          .with(HTTPS, "HTTPS"),
      differs("proxy-ssl-verify", "on",
          "verify the HTTPS backend's certificate against ca.crt; without a ca.crt Bollard"
              + " verifies against the JVM's default CAs (ingress-nginx does not verify then); a"
              + " value other than on/off fails closed (503)")
          .with(HTTPS, "HTTPS").with("proxy-ssl-secret", "shop/backend-tls"),
      honoured("proxy-ssl-verify-depth", "2", "the longest verified chain")
          .with(HTTPS, "HTTPS").with("proxy-ssl-secret", "shop/backend-tls")
          .with("proxy-ssl-verify", "on"),
      differs("proxy-ssl-name", "internal.example.com",
          "the name verified and sent as SNI to the HTTPS backend; the default is the Service's"
              + " DNS name (name.namespace.svc), not ingress-nginx's upstream_balancer")
          .with(HTTPS, "HTTPS"),
      honoured("proxy-ssl-server-name", "on", "send SNI to the HTTPS backend")
          .with(HTTPS, "HTTPS"),
      differs("proxy-ssl-protocols", "TLSv1.3",
          "TLS versions offered to the HTTPS backend: TLSv1.2 and TLSv1.3 only (older ones named"
              + " are left out; naming only older ones is a problem)")
          .with(HTTPS, "HTTPS"),
      ignored("proxy-ssl-ciphers",
          "OpenSSL cipher strings are not applied to backend connections; Bollard offers its"
              + " TLS library's modern defaults"),
      honoured("service-upstream", "true",
          "the Service's cluster IP and port instead of its endpoints (no retries to another"
              + " endpoint, as in ingress-nginx)"),
      differs("proxy-connect-timeout", "3",
          "whole seconds, as ingress-nginx reads the annotation; \"3s\" or 0 is a problem (the"
              + " global value stays, which ingress-nginx does silently); per try"),
      differs("proxy-read-timeout", "120",
          "whole seconds; \"120s\" or 0 is a problem and the global value stays"),
      differs("proxy-send-timeout", "120",
          "whole seconds; \"120s\" or 0 is a problem and the global value stays; enforced"),
      differs("proxy-next-upstream", "error timeout http_502",
          "retries on error, timeout, invalid_header and the listed statuses, never a"
              + " non-idempotent request once it was sent (unless non_idempotent), never once the"
              + " response started or a streamed body went up; each endpoint at most once per"
              + " request (ingress-nginx's balancer may pick the same one again, so a backend"
              + " with one endpoint never retries under Bollard); the access log shows the last"
              + " try"),
      differs("proxy-next-upstream-tries", "2",
          "0 means each endpoint once (nginx: no limit)"),
      honoured("proxy-next-upstream-timeout", "10", "seconds; 0 means no limit"),
      honoured("proxy-body-size", "8m", "larger bodies get 413; 0 means no limit"),
      honoured("client-body-buffer-size", "1m",
          "memory kept per buffered request body (at most 64m); the rest goes to a temporary"
              + " file"),
      honoured("proxy-request-buffering", "off",
          "on reads a request body whole before an upstream connection is taken; off streams"
              + " it"),
      differs("proxy-buffering", "on", STREAMS + "; the value is checked (on/off)"),
      differs("proxy-buffer-size", "8k",
          "bounds the upstream response head (a larger one is an invalid response: 502, or the"
              + " next endpoint under invalid_header), as nginx's \"upstream sent too big"
              + " header\"; without it the bound is 64 KiB, not 4k, and no value lifts it above"
              + " 64 KiB. " + STREAMS),
      ignored("proxy-buffers-number", STREAMS),
      ignored("proxy-busy-buffers-size", STREAMS),
      ignored("proxy-max-temp-file-size", STREAMS + "; nothing is written to disk"),
      ignored("proxy-http-version",
          "Bollard always speaks HTTP/1.1 with keep-alive to backends"),
      ignored("connection-proxy-header",
          "Bollard manages the upstream Connection header itself (pooled keep-alive"
              + " connections, WebSocket upgrades)"),
      differs("proxy-cookie-domain", "localhost example.org",
          "\"from to\": a Set-Cookie Domain equal to from (ignoring case and a leading dot)"
              + " becomes to, as nginx's proxy_cookie_domain; nginx's ~regex forms are refused"),
      differs("proxy-cookie-path", "/ /app/",
          "\"from to\": a Set-Cookie Path starting with from has that start replaced by to, as"
              + " nginx's proxy_cookie_path; nginx's ~regex forms are refused"),
      differs("proxy-redirect-from", "http://internal.example/",
          "with proxy-redirect-to: a Location (or Refresh url=) starting with this has that start"
              + " replaced, as nginx's proxy_redirect; default means off (ingress-nginx compares"
              + " it with its internal upstream name); ~regex forms are refused")
          .with("proxy-redirect-to", "https://shop.example/"),
      differs("proxy-redirect-to", "https://shop.example/",
          "what replaces proxy-redirect-from's start in Location and Refresh; without"
              + " proxy-redirect-from it is reported and nothing is rewritten")
          .with("proxy-redirect-from", "http://internal.example/"),
      differs("custom-http-errors", "404,503",
          "the listed statuses (the upstream's, and Bollard's own 502/503/504 for the route) are"
              + " served by the default backend with ingress-nginx's X-Code, X-Format,"
              + " X-Original-URI… headers, its status and body as sent; the request body is not"
              + " sent again and Authorization is dropped; if the error backend fails the client"
              + " gets Bollard's plain error with the original code; Bollard's own 404, 413, 408"
              + " and 401 are never replaced"),
      honoured("enable-custom-http-errors", "false",
          "\"false\" turns the custom-http-errors codes off for the Ingress")
          .with("custom-http-errors", "404"),
      differs("default-backend", "errors",
          "a Service of the Ingress's namespace (its first port); it serves custom-http-errors"
              + " and requests whose Service has no ready endpoint; unlike ingress-nginx, not a"
              + " path whose Service does not exist (that path is skipped with a problem)"),
      ignored("disable-proxy-intercept-errors",
          "not implemented; remove custom-http-errors from the Ingress instead"),
      honoured("enable-access-log", "false", "\"false\": no access-log line for its routes"),
      ignored("enable-rewrite-log", "nginx debug logging of rewrites; Bollard has none"),
      differs("ssl-passthrough", "true",
          "only with --enable-ssl-passthrough, as in ingress-nginx: TLS is routed by SNI to the"
              + " backend of the host's path / untouched, and the Ingress's other annotations do"
              + " not apply to it; Bollard connects to the endpoints (not the cluster IP), closes"
              + " a relay idle for proxy-read-timeout, works behind PROXY protocol, and writes no"
              + " access-log line for it (metrics only)"),
      // Snippets
      differs("configuration-snippet", "more_set_headers \"X-Snippet: yes\";", SNIPPET),
      differs("server-snippet", "more_set_headers \"X-Server-Snippet: yes\";", SNIPPET),
      refused("auth-snippet",
          "never executed (a problem; the other auth-* annotations apply): use"
              + " auth-proxy-set-headers for headers of the authentication request"),
      refused("stream-snippet",
          "never executed: Bollard proxies no TCP streams, so a stream snippet has nothing to"
              + " translate"),
      refused("modsecurity-snippet", "never executed; " + NO_WAF),
      // Authentication
      honoured("auth-type", "basic",
          "basic; digest (or anything else) fails closed: the Ingress's requests get 503 and a"
              + " problem names the value")
          .with("auth-secret", "basic-auth"),
      honoured("auth-secret", "basic-auth",
          "name or namespace/name; a missing Secret fails closed (503)")
          .with("auth-type", "basic"),
      honoured("auth-secret-type", "auth-map", "auth-file (key auth) or auth-map")
          .with("auth-type", "basic").with("auth-secret", "basic-auth-map"),
      honoured("auth-realm", "Shop", "the realm of the Basic challenge")
          .with("auth-type", "basic").with("auth-secret", "basic-auth"),
      differs("auth-tls-secret", "shop/backend-tls",
          "namespace/name of a Secret with ca.crt (and optionally ca.crl: every certificate of"
              + " the path is checked, as nginx's ssl_crl does); the host's TLS handshakes ask for a"
              + " client certificate, every route of the host and of its server-alias names"
              + " checks it (over HTTPS before any redirect), and the upstream gets"
              + " ssl-client-verify, ssl-client-subject-dn and ssl-client-issuer-dn (a client's own"
              + " copies are dropped). Differences: a request whose Host has other client-certificate"
              + " settings than the SNI name's is answered 421 (nginx: whenever the names differ);"
              + " plain HTTP requests that are not redirected count as sent without a certificate"
              + " (nginx does not check them); rules without host and a missing or broken Secret"
              + " fail closed (503)"),
      honoured("auth-tls-verify-client", "optional",
          "on (default), off, optional, optional_no_ca; another value is a problem and on applies")
          .with("auth-tls-secret", "shop/backend-tls"),
      honoured("auth-tls-verify-depth", "2",
          "at most this many intermediate CAs (OpenSSL's count); default 1")
          .with("auth-tls-secret", "shop/backend-tls"),
      differs("auth-tls-error-page", "https://shop.example.com/certificate-help",
          "failed verifications are redirected there (302) instead of answered 400; a path gets a"
              + " 302 to that path, where nginx redirects internally")
          .with("auth-tls-secret", "shop/backend-tls"),
      honoured("auth-tls-pass-certificate-to-upstream", "true",
          "ssl-client-cert: the client's certificate as URL-escaped PEM")
          .with("auth-tls-secret", "shop/backend-tls"),
      differs("auth-tls-match-cn", "CN=(alice|bob)",
          "the subject DN must contain a match (else 403); an RE2 expression rather than PCRE"
              + " (one RE2 cannot compile fails closed: 503); must contain CN= as in ingress-nginx")
          .with("auth-tls-secret", "shop/backend-tls"),
      differs("auth-url", "http://auth.example/oauth2/auth",
          "asked before each request over pooled keep-alive connections on the request's event"
              + " loop, with ingress-nginx's headers and the client's; 2xx passes, 401 and 403 are"
              + " passed on, anything else (5xx, refused, timeout: proxy-connect-timeout and"
              + " proxy-read-timeout) is 500, never a pass; a bad value answers 503 (location"
              + " denied). Also sends X-Forwarded-Host; /robots.txt is answered as by every guard"),
      honoured("auth-method", "POST", "with X-Original-URI and X-Scheme, as ingress-nginx")
          .with("auth-url", AUTH_URL_SAMPLE),
      honoured("auth-signin", "https://login.example/oauth2/start",
          "302 there on a 401, with rd= the original URL (ingress-nginx's form); nginx variables"
              + " such as $host and $escaped_request_uri allowed")
          .with("auth-url", AUTH_URL_SAMPLE),
      honoured("auth-signin-redirect-param", "next", "")
          .with("auth-url", AUTH_URL_SAMPLE).with("auth-signin", "https://login.example/start"),
      honoured("auth-response-headers", "X-Auth-Request-User,X-Auth-Request-Email",
          "copied from a 2xx answer onto the upstream request; the client's own copies are"
              + " always removed first")
          .with("auth-url", AUTH_URL_SAMPLE),
      honoured("auth-proxy-set-headers", "custom-headers",
          "a ConfigMap (name or namespace/name) of headers for the auth request; values may hold"
              + " nginx variables; a missing ConfigMap answers 503 (location denied)")
          .with("auth-url", AUTH_URL_SAMPLE),
      honoured("auth-request-redirect", "https://shop.example/", "the X-Auth-Request-Redirect sent")
          .with("auth-url", AUTH_URL_SAMPLE),
      differs("auth-cache-key", "$cookie__oauth2_proxy",
          "the client's Cookie and Authorization are always part of the key, so two users never"
              + " share a cached answer (ingress-nginx keys by the template alone); answers with"
              + " Set-Cookie are not cached (as nginx's cache); the auth response's"
              + " Cache-Control is not read")
          .with("auth-url", AUTH_URL_SAMPLE),
      honoured("auth-cache-duration", "200 202 10m, 401 1m",
          "nginx's proxy_cache_valid entries, comma-separated; 200 202 401 5m by default")
          .with("auth-url", AUTH_URL_SAMPLE).with("auth-cache-key", "$host"),
      ignored("auth-keepalive", AUTH_KEEPALIVE),
      ignored("auth-keepalive-requests", AUTH_KEEPALIVE),
      ignored("auth-keepalive-share-vars", AUTH_KEEPALIVE),
      ignored("auth-keepalive-timeout", AUTH_KEEPALIVE),
      honoured("auth-always-set-cookie", "true",
          "the auth service's Set-Cookie on every response, 401 and 403 too (without it: on 2xx"
              + " and redirects, as nginx's add_header)")
          .with("auth-url", AUTH_URL_SAMPLE),
      honoured("enable-global-auth", "false",
          "\"false\" exempts the Ingress from global-auth-url; an Ingress with its own auth-url"
              + " uses that"),
      differs("satisfy", "any",
          "any: a client in the Ingress's (or the ConfigMap's) allow-list needs no credentials,"
              + " others must pass basic or external auth and get its 401; all (the default) asks"
              + " both; other values are reported and mean all. Differences: denylist-source-range"
              + " and block-cidrs still refuse with satisfy any (nginx lets a denied address in"
              + " with good credentials); with both basic auth and auth-url both must pass (nginx:"
              + " either)"),
      // Access control and limits
      differs("whitelist-source-range", "10.0.0.0/8,2001:db8::/32",
          "the older name of allowlist-source-range; when both are set allowlist-source-range"
              + " wins and this one is reported; otherwise as allowlist-source-range"),
      differs("allowlist-source-range", "10.0.0.0/8,192.0.2.7",
          "only these real client addresses (PROXY protocol, trusted X-Forwarded-For) pass, others"
              + " get 403 before any auth challenge; replaces the ConfigMap's"
              + " whitelist-source-range on the Ingress; a bad entry anywhere makes the Ingress's"
              + " routes answer 503 (ingress-nginx keeps a list whose first entries are good)"),
      honoured("denylist-source-range", "10.6.6.0/24,2001:db8:6::/48",
          "these real client addresses get 403 (checked with the allow-list: denied wins);"
              + " replaces the ConfigMap's denylist-source-range on the Ingress; a bad value makes"
              + " the Ingress's routes answer 503, as ingress-nginx's location denied"),
      differs("limit-connections", "2",
          "requests in flight per real client address (nginx's limit_conn), released when the"
              + " response ends; one more gets limit-conn-status-code (503); per replica, the"
              + " Ingress's routes share the count. " + LIMIT_ANSWER),
      differs("limit-rps", "5",
          "nginx's limit_req with burst = rate x limit-burst-multiplier and nodelay, per real"
              + " client address and replica (N replicas let N times through), shared by the"
              + " Ingress's routes; excess gets limit-req-status-code (503) at once. "
              + LIMIT_ANSWER),
      differs("limit-rpm", "300",
          "as limit-rps, per minute; both may be set (both apply). " + LIMIT_ANSWER),
      honoured("limit-burst-multiplier", "3", "default 5; a bad value is reported and 5 applies")
          .with("limit-rps", "5"),
      differs("limit-rate", "256",
          "kilobytes per second of each response body (nginx's limit_rate, per request), with"
              + " nginx's arithmetic (a second's worth leaves at once); paced on the event loop,"
              + " the upstream read paused while over budget, whatever proxy-buffering says"
              + " (ingress-nginx documents it as needing proxy-buffering on, not its default);"
              + " bodies Bollard makes itself (errors, error pages) are not paced"),
      differs("limit-rate-after", "512",
          "kilobytes of each response body sent at full speed first (nginx's limit_rate_after);"
              + " counts body bytes only (nginx counts the response head too)"),
      honoured("limit-whitelist", "10.0.0.0/8",
          "addresses and CIDRs no limit-* applies to; a bad entry is reported and the"
              + " Ingress gets no limits, as in ingress-nginx")
          .with("limit-rps", "5"),
      honoured("limit-allowlist", "10.0.0.0/8", "the newer name of limit-whitelist; wins over it")
          .with("limit-rps", "5"),
      ignored("global-rate-limit", GLOBAL_LIMIT),
      ignored("global-rate-limit-window", GLOBAL_LIMIT),
      ignored("global-rate-limit-key", GLOBAL_LIMIT),
      ignored("global-rate-limit-ignored-cidrs", GLOBAL_LIMIT),
      // Traffic splitting and balancing
      differs("canary", "true",
          "the Ingress claims no path: its backend is added to the main (non-canary) Ingress's"
              + " route of the same host and path, which keeps the main Ingress's other"
              + " annotations; a canary path without a main one, or a second canary on a path,"
              + " is a problem. Differences: the canary applies to that route only (ingress-nginx"
              + " attaches it to the main Service's upstream, so other Ingresses of that Service"
              + " get it too), and a canary backend without ready endpoints is never chosen"),
      honoured("canary-by-header", "X-Canary",
          "always sends to the canary, never to the main backend; other values fall through to"
              + " the cookie, then the weight")
          .with("canary", "true"),
      honoured("canary-by-header-value", "blue",
          "this exact value sends to the canary (always and never are then plain values);"
              + " others fall through")
          .with("canary", "true").with("canary-by-header", "X-Canary"),
      differs("canary-by-header-pattern", "^(blue|green)$",
          "a value the pattern finds a match in sends to the canary; RE2 syntax, not PCRE:"
              + " matched in time linear in the client's value (no back-references or"
              + " look-around; such a pattern is a problem); ignored when canary-by-header-value"
              + " is set, as in ingress-nginx")
          .with("canary", "true").with("canary-by-header", "X-Canary"),
      honoured("canary-by-cookie", "canary",
          "cookie value always or never; others fall through to the weight")
          .with("canary", "true"),
      honoured("canary-weight", "30",
          "the canary's share of the requests no header or cookie decided, out of"
              + " canary-weight-total; random per request")
          .with("canary", "true"),
      honoured("canary-weight-total", "1000",
          "default 100; a total below 100 counts as 100, as in ingress-nginx's balancer")
          .with("canary", "true").with("canary-weight", "30"),
      differs("affinity", "cookie",
          "cookie, the only type: each route of the Ingress keeps a client on one ready endpoint"
              + " of its backend with a cookie Bollard sets (value key|backend tag, as"
              + " ingress-nginx's); another value is a problem. Differences: a client's first"
              + " request goes where the route's balancer sends it and the cookie names the"
              + " endpoint that answered (ingress-nginx draws a random key first); a cookie whose"
              + " key is not of Bollard's form (16 or 32 hexadecimal digits) counts as none and"
              + " gets a fresh one, so an ingress-nginx cookie is replaced once after migrating"),
      honoured("affinity-mode", "persistent",
          "balanced (default): the key is a position on the backend's consistent-hash ring, so"
              + " when endpoints change only the keys of the changed endpoints move; persistent:"
              + " the cookie names the endpoint (a digest, not its address) and the client stays"
              + " while it is ready")
          .with("affinity", "cookie"),
      differs("affinity-canary-behavior", "legacy",
          "sticky (default): a client the canary served stays on the canary, one the main"
              + " backend served stays there whatever the canary rules say (as ingress-nginx's"
              + " balancer); legacy: the canary's requests read and set no cookie. Difference:"
              + " read on the main Ingress, with the other affinity annotations (ingress-nginx's"
              + " code reads it on the canary Ingress; there it is a problem saying to move it)")
          .with("affinity", "cookie"),
      honoured("session-cookie-name", "route", "default INGRESSCOOKIE; an HTTP token")
          .with("affinity", "cookie"),
      honoured("session-cookie-path", "/shop",
          "default: the route's path as written; a regex path (use-regex, rewrite-target)"
              + " without it is a problem, as ingress-nginx requires it there")
          .with("affinity", "cookie"),
      honoured("session-cookie-domain", "example.com", "the cookie's Domain attribute")
          .with("affinity", "cookie"),
      honoured("session-cookie-expires", "3600",
          "Expires that many seconds after the response (an HTTP date)")
          .with("affinity", "cookie"),
      honoured("session-cookie-max-age", "3600", "Max-Age in seconds")
          .with("affinity", "cookie"),
      honoured("session-cookie-secure", "true",
          "Secure on every cookie; without it, Secure only on requests that arrived over TLS,"
              + " as in ingress-nginx")
          .with("affinity", "cookie"),
      differs("session-cookie-samesite", "Lax",
          "None, Lax or Strict in any case, written as None, Lax, Strict (ingress-nginx writes"
              + " the value as given, and its conditional-samesite-none check only catches"
              + " exactly None)")
          .with("affinity", "cookie"),
      honoured("session-cookie-conditional-samesite-none", "true",
          "SameSite=None is left out for the user agents ingress-nginx lists (Chrome 40-69,"
              + " iOS 12, Safari on macOS 10.14)")
          .with("affinity", "cookie").with("session-cookie-samesite", "None"),
      differs("session-cookie-change-on-failure", "true",
          "true: when the cookie's endpoint failed and another answered, the cookie moves to"
              + " that endpoint; false (default): the cookie's endpoint is tried first, then"
              + " retries follow proxy-next-upstream to the other endpoints, the cookie"
              + " unchanged (ingress-nginx retries the cookie's endpoint itself)")
          .with("affinity", "cookie"),
      differs("load-balance", "ewma", BALANCE),
      differs("upstream-hash-by", "$request_uri", HASH_BY),
      ignored("upstream-hash-by-subset", HASH_SUBSET),
      ignored("upstream-hash-by-subset-size", HASH_SUBSET),
      // CORS
      differs("enable-cors", "true",
          "preflights (OPTIONS with Origin and Access-Control-Request-Method) from an allowed"
              + " origin are answered 204 by Bollard before the guard, without credentials, as in"
              + " ingress-nginx; an OPTIONS without Access-Control-Request-Method goes to the"
              + " backend (ingress-nginx answers every OPTIONS); a listed origin's responses say"
              + " Vary: Origin"),
      differs("cors-allow-origin", "https://app.example.com, https://*.example.com",
          "*, or origins sent back when the request's Origin matches one as a whole (ingress-nginx"
              + " anchors only the end); *. is one label, as in ingress-nginx; a refused origin is"
              + " reported and left out, and with none left CORS is not applied (ingress-nginx"
              + " would allow every origin)")
          .with("enable-cors", "true"),
      honoured("cors-allow-methods", "GET, POST",
          "default GET, PUT, POST, DELETE, PATCH, OPTIONS; a bad value falls back to it")
          .with("enable-cors", "true"),
      honoured("cors-allow-headers", "X-Custom-Header, Content-Type",
          "ingress-nginx's default list; a bad value falls back to it")
          .with("enable-cors", "true"),
      honoured("cors-expose-headers", "X-Total-Count", "none by default")
          .with("enable-cors", "true"),
      differs("cors-allow-credentials", "false",
          "default true; never sent with cors-allow-origin * (ingress-nginx sends it, browsers"
              + " refuse the answer)")
          .with("enable-cors", "true").with("cors-allow-origin", "https://app.example.com"),
      honoured("cors-max-age", "600", "default 1728000 seconds")
          .with("enable-cors", "true"),
      // Headers
      differs("custom-headers", "custom-headers",
          "a ConfigMap (name or namespace/name) whose entries are set on responses; when it is"
              + " missing or has a bad header name the Ingress is served without them (ingress-nginx"
              + " answers 503), unless the config sets bollard-custom-headers-fail-closed: true"),
      // TLS toward clients
      ignored("ssl-ciphers",
          "Bollard offers one modern cipher list on every host; OpenSSL cipher strings are not"
              + " applied"),
      ignored("ssl-prefer-server-ciphers", "Bollard's TLS library decides the cipher order"),
      ignored("http2-push-preload",
          "HTTP/2 server push is gone from browsers and from nginx itself"),
      // Observability and security modules
      ignored("enable-opentracing", NO_TRACING),
      ignored("opentracing-trust-incoming-span", NO_TRACING),
      ignored("enable-opentelemetry", NO_TRACING),
      ignored("opentelemetry-trust-incoming-span", NO_TRACING),
      ignored("opentelemetry-operation-name", NO_TRACING),
      ignored("enable-influxdb", "Bollard exposes Prometheus metrics on the admin listener"),
      ignored("influxdb-measurement", "Bollard exposes Prometheus metrics on the admin listener"),
      ignored("influxdb-port", "Bollard exposes Prometheus metrics on the admin listener"),
      ignored("influxdb-host", "Bollard exposes Prometheus metrics on the admin listener"),
      ignored("influxdb-server-name", "Bollard exposes Prometheus metrics on the admin listener"),
      ignored("enable-modsecurity", NO_WAF),
      ignored("enable-owasp-core-rules", NO_WAF),
      ignored("modsecurity-transaction-id", NO_WAF),
      ignored("mirror-target", "request mirroring is not implemented"),
      ignored("mirror-request-body", "request mirroring is not implemented"),
      ignored("mirror-host", "request mirroring is not implemented"),
      refused("fastcgi-index", "FastCGI backends are not supported (backend-protocol FCGI is"
          + " refused)"),
      refused("fastcgi-params-configmap", "FastCGI backends are not supported (backend-protocol"
          + " FCGI is refused)"),
      // Not ingress-nginx's prefix, but read by ingress-nginx setups.
      honoured("kubernetes.io/ingress.class", "nginx",
          "when present it decides alone whether the Ingress is served: the class must be the"
              + " one Bollard serves (--ingress-class)"),
      honoured("kubernetes.io/tls-acme", "true",
          "Bollard orders the certificates of the Ingress's spec.tls hosts itself (ACME), as"
              + " kube-lego did; bollard.dev/tls-acme is the same"));

  // --- ConfigMap keys of ingress-nginx's controller ConfigMap, in its documentation's order.

  private static final String GLOBAL_AUTH =
      "as the auth-* annotation of the same name, for the Ingresses global-auth-url covers";
  private static final String NGINX_TUNING = "nginx-internal tuning with no meaning for Bollard";
  private static final String NO_COMPRESSION =
      "Bollard does not compress responses; a backend's compressed response passes through";
  private static final String ACCESS_LOG_FLAG =
      "use --access-log (stdout, a file, or off) and --access-log-format";
  private static final String SNIPPET_KEY =
      "never executed: Bollard has no nginx configuration to add to";
  private static final String TLS_FIXED =
      "Bollard's TLS settings are fixed (TLS 1.2 and 1.3, modern ciphers, session resumption)";

  /** Every ConfigMap key, in ingress-nginx's documentation order. */
  public static final List<Entry> CONFIG_KEYS = List.of(
      key("add-headers", Status.DIFFERS,
          "the ConfigMap's entries are set on every response, whatever its status, also on those"
              + " Bollard makes (more_set_headers), nginx variables expanded; Content-Length and"
              + " the other headers that frame the message cannot be set; a missing ConfigMap or"
              + " a bad entry is a problem and is left out; edits of the ConfigMap apply at once"
              + " (ingress-nginx waits for another reload); bollard-response-headers,"
              + " custom-headers, bollard.dev/response-headers and snippets run after and win"),
      key("allow-backend-server-header", Status.HONOURED,
          "the backend's Server header is passed on; works without server-tokens (ingress-nginx"
              + " needs both, its issue 6733)"),
      key("allow-cross-namespace-resources", Status.IGNORED,
          "annotations may name Secrets and ConfigMaps as namespace/name"),
      key("allow-snippet-annotations", Status.HONOURED,
          "false: snippet annotations are reported and not translated at all; true: their safe"
              + " directives are translated (none is ever executed)"),
      key("annotations-risk-level", Status.IGNORED,
          "no annotation can inject configuration into Bollard"),
      key("annotation-value-word-blocklist", Status.IGNORED,
          "no annotation can inject configuration into Bollard"),
      key("hide-headers", Status.DIFFERS,
          "removed from upstream responses (proxy_hide_header); headers that frame the message"
              + " (Content-Length, Transfer-Encoding...) refuse the version; a snippet's"
              + " proxy_hide_header adds to the list (in nginx it replaces it)"),
      key("access-log-params", Status.IGNORED, ACCESS_LOG_FLAG),
      key("access-log-path", Status.IGNORED, ACCESS_LOG_FLAG),
      key("http-access-log-path", Status.IGNORED, ACCESS_LOG_FLAG),
      key("stream-access-log-path", Status.IGNORED, "Bollard proxies no TCP/UDP streams"),
      key("enable-access-log-for-default-backend", Status.IGNORED,
          "requests served by the default backend are always logged"),
      key("error-log-path", Status.IGNORED, "Bollard logs to stderr (logback)"),
      key("enable-modsecurity", Status.IGNORED, NO_WAF),
      key("modsecurity-snippet", Status.REFUSED, SNIPPET_KEY),
      key("enable-owasp-modsecurity-crs", Status.IGNORED, NO_WAF),
      key("client-header-buffer-size", Status.IGNORED, "use --max-header-bytes"),
      key("client-header-timeout", Status.HONOURED, "seconds, or with a unit"),
      key("client-body-buffer-size", Status.HONOURED, "at most 64m"),
      key("client-body-timeout", Status.HONOURED, "seconds, or with a unit"),
      key("disable-access-log", Status.IGNORED, ACCESS_LOG_FLAG),
      key("disable-ipv6", Status.IGNORED, "use --listen with the address to bind"),
      key("disable-ipv6-dns", Status.IGNORED, "Bollard resolves with the JVM's resolver"),
      key("enable-underscores-in-headers", Status.IGNORED,
          "headers with underscores are passed on"),
      key("enable-ocsp", Status.IGNORED, "no OCSP stapling"),
      key("ignore-invalid-headers", Status.IGNORED,
          "Bollard refuses requests with invalid header names (400) instead of dropping the"
              + " headers"),
      key("retry-non-idempotent", Status.HONOURED,
          "also applies to an Ingress's own proxy-next-upstream"),
      key("error-log-level", Status.IGNORED, "Bollard's log level is logback's"),
      key("http2-max-field-size", Status.HONOURED,
          "a larger field is answered 431; unset (0): no limit of its own, as nginx since 1.19.7"),
      key("http2-max-header-size", Status.HONOURED,
          "SETTINGS_MAX_HEADER_LIST_SIZE (decoded list); unset (0): --max-header-bytes, where"
              + " nginx since 1.19.7 uses large-client-header-buffers"),
      key("http2-max-requests", Status.HONOURED,
          "then GOAWAY; unset (0): keep-alive-requests, as nginx since 1.19.7"),
      key("http2-max-concurrent-streams", Status.HONOURED,
          "streams over the limit are refused (REFUSED_STREAM)"),
      key("hsts", Status.HONOURED, ""),
      key("hsts-include-subdomains", Status.HONOURED, ""),
      key("hsts-max-age", Status.DIFFERS,
          "Bollard's default is 31536000 (one year), ingress-nginx's 15724800"),
      key("hsts-preload", Status.HONOURED, ""),
      key("keep-alive", Status.HONOURED, "seconds, or with a unit; 0 turns keep-alive off"),
      key("keep-alive-requests", Status.HONOURED,
          "the last response on a connection says Connection: close"),
      key("large-client-header-buffers", Status.IGNORED,
          "use --max-header-bytes and --max-uri-bytes"),
      key("log-format-escape-none", Status.IGNORED, "values are always escaped"),
      key("log-format-escape-json", Status.HONOURED, ""),
      key("log-format-upstream", Status.DIFFERS,
          "used with --access-log-format text (JSON is the default); a variable Bollard does not"
              + " know refuses the config version"),
      key("log-format-stream", Status.IGNORED, "Bollard proxies no TCP/UDP streams"),
      key("enable-multi-accept", Status.IGNORED, NGINX_TUNING),
      key("max-worker-connections", Status.IGNORED, NGINX_TUNING),
      key("max-worker-open-files", Status.IGNORED, NGINX_TUNING),
      key("map-hash-bucket-size", Status.IGNORED, NGINX_TUNING),
      key("nginx-status-ipv4-whitelist", Status.IGNORED,
          "Bollard's status is on the admin listener (--admin-listen)"),
      key("nginx-status-ipv6-whitelist", Status.IGNORED,
          "Bollard's status is on the admin listener (--admin-listen)"),
      key("proxy-real-ip-cidr", Status.HONOURED, ""),
      key("proxy-set-headers", Status.DIFFERS,
          "the ConfigMap's entries are set on every request sent upstream, nginx variables"
              + " expanded; Host, Connection and the other headers that frame or route the"
              + " request cannot be set (a problem; upstream-vhost sets Host); a missing"
              + " ConfigMap or a bad entry is a problem and is left out; edits of the ConfigMap"
              + " apply at once (ingress-nginx waits for another reload); bollard-request-headers,"
              + " bollard.dev/request-headers and a snippet's proxy_set_header run after and win,"
              + " while an entry for X-Forwarded-Prefix or for a header of auth-response-headers"
              + " replaces the value that annotation sets (nginx would send both values in each"
              + " case)"),
      key("server-name-hash-max-size", Status.IGNORED, NGINX_TUNING),
      key("server-name-hash-bucket-size", Status.IGNORED, NGINX_TUNING),
      key("proxy-headers-hash-max-size", Status.IGNORED, NGINX_TUNING),
      key("proxy-headers-hash-bucket-size", Status.IGNORED, NGINX_TUNING),
      key("plugins", Status.IGNORED, "Bollard has no Lua plugins"),
      key("reuse-port", Status.IGNORED, NGINX_TUNING),
      key("server-tokens", Status.HONOURED,
          "false (the default) removes every Server header, as ingress-nginx; true sends"
              + " Bollard/<version>"),
      key("ssl-ciphers", Status.IGNORED, TLS_FIXED),
      key("ssl-ecdh-curve", Status.IGNORED, TLS_FIXED),
      key("ssl-dh-param", Status.IGNORED, TLS_FIXED + "; no DHE ciphers"),
      key("ssl-protocols", Status.IGNORED, TLS_FIXED),
      key("ssl-session-cache", Status.IGNORED, TLS_FIXED),
      key("ssl-session-cache-size", Status.IGNORED, TLS_FIXED),
      key("ssl-session-tickets", Status.IGNORED, TLS_FIXED),
      key("ssl-session-ticket-key", Status.IGNORED, TLS_FIXED),
      key("ssl-session-timeout", Status.IGNORED, TLS_FIXED),
      key("ssl-buffer-size", Status.IGNORED, NGINX_TUNING),
      key("use-proxy-protocol", Status.HONOURED, ""),
      key("proxy-protocol-header-timeout", Status.IGNORED,
          "the PROXY header counts toward client-header-timeout"),
      key("use-gzip", Status.IGNORED, NO_COMPRESSION),
      key("use-geoip", Status.IGNORED, "no GeoIP variables"),
      key("use-geoip2", Status.IGNORED, "no GeoIP variables"),
      key("enable-brotli", Status.IGNORED, NO_COMPRESSION),
      key("brotli-level", Status.IGNORED, NO_COMPRESSION),
      key("brotli-min-length", Status.IGNORED, NO_COMPRESSION),
      key("brotli-types", Status.IGNORED, NO_COMPRESSION),
      key("use-http2", Status.HONOURED,
          "ALPN h2 on the HTTPS listener; h2c (cleartext) is not offered"),
      key("gzip-disable", Status.IGNORED, NO_COMPRESSION),
      key("gzip-level", Status.IGNORED, NO_COMPRESSION),
      key("gzip-min-length", Status.IGNORED, NO_COMPRESSION),
      key("gzip-types", Status.IGNORED, NO_COMPRESSION),
      key("worker-processes", Status.IGNORED, "use --io-threads"),
      key("worker-cpu-affinity", Status.IGNORED, NGINX_TUNING),
      key("worker-shutdown-timeout", Status.IGNORED, "use --shutdown-grace"),
      key("load-balance", Status.DIFFERS, BALANCE),
      key("upstream-hash-by", Status.DIFFERS, HASH_BY),
      key("variables-hash-bucket-size", Status.IGNORED, NGINX_TUNING),
      key("variables-hash-max-size", Status.IGNORED, NGINX_TUNING),
      key("upstream-keepalive-connections", Status.IGNORED,
          "upstream connections are pooled per event loop without a fixed bound"),
      key("upstream-keepalive-time", Status.IGNORED,
          "pooled upstream connections live until idle for --upstream-idle-timeout"),
      key("upstream-keepalive-timeout", Status.IGNORED, "use --upstream-idle-timeout"),
      key("upstream-keepalive-requests", Status.IGNORED,
          "no limit on requests per upstream connection"),
      key("limit-conn-zone-variable", Status.PLANNED, "rate limits", 16),
      key("proxy-stream-timeout", Status.IGNORED, "Bollard proxies no TCP/UDP streams"),
      key("proxy-stream-next-upstream", Status.IGNORED, "Bollard proxies no TCP/UDP streams"),
      key("proxy-stream-next-upstream-timeout", Status.IGNORED,
          "Bollard proxies no TCP/UDP streams"),
      key("proxy-stream-next-upstream-tries", Status.IGNORED,
          "Bollard proxies no TCP/UDP streams"),
      key("proxy-stream-responses", Status.IGNORED, "Bollard proxies no TCP/UDP streams"),
      key("bind-address", Status.IGNORED, "use --listen and --https-listen"),
      key("use-forwarded-headers", Status.HONOURED, ""),
      key("enable-real-ip", Status.HONOURED, ""),
      key("forwarded-for-header", Status.HONOURED, ""),
      key("compute-full-forwarded-for", Status.IGNORED,
          "X-Forwarded-For is always the trusted chain with the client's address appended"),
      key("proxy-add-original-uri-header", Status.IGNORED, "no X-Original-Uri header upstream"),
      key("generate-request-id", Status.HONOURED, ""),
      key("enable-opentracing", Status.IGNORED, NO_TRACING),
      key("opentracing-operation-name", Status.IGNORED, NO_TRACING),
      key("opentracing-location-operation-name", Status.IGNORED, NO_TRACING),
      key("zipkin-collector-host", Status.IGNORED, NO_TRACING),
      key("zipkin-collector-port", Status.IGNORED, NO_TRACING),
      key("zipkin-service-name", Status.IGNORED, NO_TRACING),
      key("zipkin-sample-rate", Status.IGNORED, NO_TRACING),
      key("jaeger-collector-host", Status.IGNORED, NO_TRACING),
      key("jaeger-collector-port", Status.IGNORED, NO_TRACING),
      key("jaeger-endpoint", Status.IGNORED, NO_TRACING),
      key("jaeger-service-name", Status.IGNORED, NO_TRACING),
      key("jaeger-propagation-format", Status.IGNORED, NO_TRACING),
      key("jaeger-sampler-type", Status.IGNORED, NO_TRACING),
      key("jaeger-sampler-param", Status.IGNORED, NO_TRACING),
      key("jaeger-sampler-host", Status.IGNORED, NO_TRACING),
      key("jaeger-sampler-port", Status.IGNORED, NO_TRACING),
      key("jaeger-trace-context-header-name", Status.IGNORED, NO_TRACING),
      key("jaeger-debug-header", Status.IGNORED, NO_TRACING),
      key("jaeger-baggage-header", Status.IGNORED, NO_TRACING),
      key("jaeger-trace-baggage-header-prefix", Status.IGNORED, NO_TRACING),
      key("datadog-collector-host", Status.IGNORED, NO_TRACING),
      key("datadog-collector-port", Status.IGNORED, NO_TRACING),
      key("datadog-service-name", Status.IGNORED, NO_TRACING),
      key("datadog-environment", Status.IGNORED, NO_TRACING),
      key("datadog-operation-name-override", Status.IGNORED, NO_TRACING),
      key("datadog-priority-sampling", Status.IGNORED, NO_TRACING),
      key("datadog-sample-rate", Status.IGNORED, NO_TRACING),
      key("enable-opentelemetry", Status.IGNORED, NO_TRACING),
      key("opentelemetry-trust-incoming-span", Status.IGNORED, NO_TRACING),
      key("opentelemetry-operation-name", Status.IGNORED, NO_TRACING),
      key("opentelemetry-config", Status.IGNORED, NO_TRACING),
      key("otlp-collector-host", Status.IGNORED, NO_TRACING),
      key("otlp-collector-port", Status.IGNORED, NO_TRACING),
      key("otel-max-queuesize", Status.IGNORED, NO_TRACING),
      key("otel-schedule-delay-millis", Status.IGNORED, NO_TRACING),
      key("otel-max-export-batch-size", Status.IGNORED, NO_TRACING),
      key("otel-service-name", Status.IGNORED, NO_TRACING),
      key("otel-sampler", Status.IGNORED, NO_TRACING),
      key("otel-sampler-parent-based", Status.IGNORED, NO_TRACING),
      key("otel-sampler-ratio", Status.IGNORED, NO_TRACING),
      key("main-snippet", Status.REFUSED, SNIPPET_KEY),
      key("http-snippet", Status.REFUSED, SNIPPET_KEY),
      key("server-snippet", Status.REFUSED, SNIPPET_KEY),
      key("stream-snippet", Status.REFUSED, SNIPPET_KEY),
      key("location-snippet", Status.REFUSED, SNIPPET_KEY),
      key("custom-http-errors", Status.DIFFERS,
          "served by the default backend (spec.defaultBackend; without one nothing is replaced,"
              + " where ingress-nginx uses its built-in 404 backend); an Ingress's annotation wins"
              + " on its routes; a bad entry refuses the config version (ingress-nginx skips"
              + " it)"),
      key("proxy-body-size", Status.HONOURED, ""),
      key("proxy-connect-timeout", Status.HONOURED, "seconds, or with a unit"),
      key("proxy-read-timeout", Status.HONOURED, "seconds, or with a unit"),
      key("proxy-send-timeout", Status.HONOURED, "seconds, or with a unit; enforced"),
      key("proxy-buffers-number", Status.IGNORED, STREAMS),
      key("proxy-buffer-size", Status.IGNORED, STREAMS),
      key("proxy-cookie-path", Status.IGNORED,
          "the ConfigMap default is not read: set the proxy-cookie-path annotation on the"
              + " Ingresses that need it"),
      key("proxy-cookie-domain", Status.IGNORED,
          "the ConfigMap default is not read: set the proxy-cookie-domain annotation on the"
              + " Ingresses that need it"),
      key("proxy-next-upstream", Status.HONOURED,
          "never a non-idempotent request once it was sent"),
      key("proxy-next-upstream-timeout", Status.HONOURED, ""),
      key("proxy-next-upstream-tries", Status.HONOURED, ""),
      key("proxy-redirect-from", Status.IGNORED,
          "the ConfigMap default is not read: set the proxy-redirect-from and -to annotations on"
              + " the Ingresses that need them"),
      key("proxy-request-buffering", Status.HONOURED, ""),
      key("ssl-redirect", Status.HONOURED, "308, as ingress-nginx's default http-redirect-code"),
      key("force-ssl-redirect", Status.IGNORED,
          "set the force-ssl-redirect annotation on the Ingresses that need it"),
      key("denylist-source-range", Status.HONOURED,
          "on every route whose Ingress has no denylist-source-range annotation; a bad entry"
              + " refuses the config version"),
      key("whitelist-source-range", Status.HONOURED,
          "on every route whose Ingress has no allowlist-source-range/whitelist-source-range"
              + " annotation; a bad entry refuses the config version"),
      key("skip-access-log-urls", Status.HONOURED, ""),
      key("limit-rate", Status.HONOURED,
          "kilobytes per second, as ingress-nginx's template writes it (its documentation says"
              + " bytes); the default of each route whose Ingress has no limit-rate annotation"),
      key("limit-rate-after", Status.HONOURED,
          "kilobytes; the default of each route whose Ingress has no limit-rate-after annotation"),
      key("lua-shared-dicts", Status.IGNORED, "Bollard has no Lua"),
      key("http-redirect-code", Status.IGNORED,
          "Bollard's HTTPS redirect is always 308, ingress-nginx's default"),
      key("proxy-buffering", Status.IGNORED, STREAMS),
      key("limit-req-status-code", Status.HONOURED, ""),
      key("limit-conn-status-code", Status.HONOURED, ""),
      key("enable-syslog", Status.IGNORED, ACCESS_LOG_FLAG),
      key("syslog-host", Status.IGNORED, ACCESS_LOG_FLAG),
      key("syslog-port", Status.IGNORED, ACCESS_LOG_FLAG),
      key("no-tls-redirect-locations", Status.IGNORED,
          "only ACME HTTP-01 challenges are exempt from the HTTPS redirect (the default)"),
      key("global-auth-url", Status.DIFFERS,
          "as auth-url, for every Ingress without its own auth-url unless it says"
              + " enable-global-auth: \"false\"; a bad URL refuses the config version"),
      key("global-auth-method", Status.HONOURED, GLOBAL_AUTH),
      key("global-auth-signin", Status.HONOURED, GLOBAL_AUTH),
      key("global-auth-signin-redirect-param", Status.HONOURED,
          "as auth-signin-redirect-param"),
      key("global-auth-response-headers", Status.HONOURED, GLOBAL_AUTH),
      key("global-auth-request-redirect", Status.HONOURED, GLOBAL_AUTH),
      key("global-auth-snippet", Status.REFUSED, SNIPPET_KEY),
      key("global-auth-cache-key", Status.DIFFERS,
          "as auth-cache-key: the client's Cookie and Authorization are always part of the key"),
      key("global-auth-cache-duration", Status.HONOURED, GLOBAL_AUTH),
      key("no-auth-locations", Status.IGNORED,
          "use bollard-auth-exempt-paths (ACME challenges never ask for credentials)"),
      key("block-cidrs", Status.DIFFERS,
          "403 everywhere, also on routes with address annotations (nginx's allow/deny rules do"
              + " not inherit, so ingress-nginx loses block-cidrs there); a bad entry refuses the"
              + " config version"),
      key("block-user-agents", Status.DIFFERS,
          "403 everywhere; plain entries match the whole User-Agent ignoring case, ~ and ~*"
              + " entries are RE2 regular expressions (no back-references or look-around,"
              + " nginx's PCRE has them); a bad entry refuses the config version"),
      key("block-referers", Status.DIFFERS,
          "403 everywhere; written as block-user-agents: plain entries match the whole Referer"
              + " ignoring case, ~ and ~* entries are RE2 regular expressions (no back-references"
              + " or look-around)"),
      key("proxy-ssl-location-only", Status.IGNORED,
          "proxy-ssl-* annotations always apply to the Ingress's routes only"),
      key("default-type", Status.IGNORED, "Bollard's own answers are text/plain"),
      key("global-rate-limit-memcached-host", Status.IGNORED, GLOBAL_LIMIT),
      key("global-rate-limit-memcached-port", Status.IGNORED, GLOBAL_LIMIT),
      key("global-rate-limit-memcached-connect-timeout", Status.IGNORED, GLOBAL_LIMIT),
      key("global-rate-limit-memcached-max-idle-timeout", Status.IGNORED, GLOBAL_LIMIT),
      key("global-rate-limit-memcached-pool-size", Status.IGNORED, GLOBAL_LIMIT),
      key("global-rate-limit-status-code", Status.IGNORED, GLOBAL_LIMIT),
      key("service-upstream", Status.IGNORED,
          "set the service-upstream annotation on the Ingresses that need it"),
      key("ssl-reject-handshake", Status.IGNORED,
          "a host without a certificate gets the default certificate"),
      key("debug-connections", Status.IGNORED, "nginx debug logging; Bollard has none"),
      key("strict-validate-path-type", Status.IGNORED,
          "Bollard always checks paths against their pathType as the API defines it"),
      key("proxy-http-version", Status.IGNORED,
          "Bollard always speaks HTTP/1.1 with keep-alive to backends"),
      key("proxy-max-temp-file-size", Status.IGNORED, STREAMS + "; nothing is written to disk"));

  private static final Map<String, Entry> BY_ANNOTATION = index(ANNOTATIONS);
  private static final Map<String, Entry> BY_CONFIG_KEY = index(CONFIG_KEYS);

  /** The entry of an annotation by its full key, if ingress-nginx has it. */
  public static Optional<Entry> annotation(String key) {
    return Optional.ofNullable(BY_ANNOTATION.get(key));
  }

  /** The entry of a ConfigMap key, if ingress-nginx has it. */
  public static Optional<Entry> configKey(String key) {
    return Optional.ofNullable(BY_CONFIG_KEY.get(key));
  }

  /** Whether Bollard looks at this annotation at all: ingress-nginx's prefix, or in the table. */
  public static boolean concerns(String annotationKey) {
    return annotationKey.startsWith(PREFIX) || BY_ANNOTATION.containsKey(annotationKey);
  }

  /**
   * What the translator says about an annotation of ingress-nginx's prefix that Bollard does not
   * apply: an "ignored" problem message, or empty when Bollard applies it.
   */
  public static Optional<String> ignoredMessage(String annotationKey) {
    Entry entry = BY_ANNOTATION.get(annotationKey);
    if (entry != null && entry.status().applied()) {
      return Optional.empty();
    }
    String why = entry == null
        ? "not an annotation of ingress-nginx that Bollard knows (check the spelling)"
        : entry.reason();
    return Optional.of("ignored: " + why + "; see " + DOCUMENT);
  }

  /** The full key of an annotation: a name without a slash gets ingress-nginx's prefix. */
  static String annotationKey(String name) {
    return name.contains("/") ? name : PREFIX + name;
  }

  private static Entry honoured(String name, String sample, String note) {
    return new Entry(annotationKey(name), Status.HONOURED, note, 0, sample, Map.of());
  }

  private static Entry differs(String name, String sample, String note) {
    return new Entry(annotationKey(name), Status.DIFFERS, note, 0, sample, Map.of());
  }

  private static Entry ignored(String name, String why) {
    return new Entry(annotationKey(name), Status.IGNORED, why, 0, null, Map.of());
  }

  private static Entry refused(String name, String why) {
    return new Entry(annotationKey(name), Status.REFUSED, why, 0, null, Map.of());
  }

  private static Entry key(String key, Status status, String note) {
    return new Entry(key, status, note, 0, null, Map.of());
  }

  private static Entry key(String key, Status status, String note, int issue) {
    return new Entry(key, status, note, issue, null, Map.of());
  }

  private static Map<String, Entry> index(List<Entry> entries) {
    Map<String, Entry> out = new HashMap<>();
    List<String> twice = new ArrayList<>();
    for (Entry e : entries) {
      if (out.put(e.key(), e) != null) {
        twice.add(e.key());
      }
    }
    if (!twice.isEmpty()) {
      throw new IllegalStateException("listed twice in the ingress-nginx table: " + twice);
    }
    return Map.copyOf(out);
  }
}
