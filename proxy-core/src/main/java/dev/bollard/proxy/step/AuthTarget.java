package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.UpstreamTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where an external authentication request goes, parsed from an {@code auth-url}: the endpoint
 * (a name resolves asynchronously when connecting, like an {@code ExternalName} Service's), TLS
 * for {@code https} (nothing verified, the server name sent: nginx's {@code proxy_ssl_server_name
 * on} of ingress-nginx's auth location), the request target and the {@code Host} header.
 *
 * @param endpoint host and port
 * @param tls {@code null} for {@code http}
 * @param uri the request target in origin form (path and query)
 * @param hostHeader the URL's authority, without a default port
 */
public record AuthTarget(Endpoint endpoint, @Nullable UpstreamTls tls, String uri,
    String hostHeader) {

  /**
   * Parses an absolute {@code http} or {@code https} URL.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static AuthTarget parse(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("expected an http:// or https:// URL");
    }
    String host = u.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the URL names no host");
    }
    if (u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("credentials in the URL are not supported");
    }
    boolean tls = scheme.equals("https");
    int defaultPort = tls ? 443 : 80;
    int port = u.getPort() < 0 ? defaultPort : u.getPort();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    String uri = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    String hostHeader = port == defaultPort ? host : host + ":" + port;
    return new AuthTarget(new Endpoint(bare, port),
        tls ? new UpstreamTls(UpstreamTls.DEFAULT_PROTOCOLS, false, 1, bare, true, null, null,
            null, false, "") : null,
        uri, hostHeader);
  }
}
