package dev.bollard.proxy.step;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.clientcert.HandshakeCertificate;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.guard.GuardVerdict;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * One request as steps see it: the head as received, the host and path in the form routing
 * matched them, and what earlier steps recorded. Only the request's event loop touches it.
 */
public interface StepRequest {

  /** The client's request head as received (steps edit the upstream copy, never this one). */
  HttpRequest head();

  /** The authority the request was routed by, as received (absolute-form target, else Host). */
  String authority();

  /** The routed host: lower case, no port, no trailing dot. */
  String host();

  /** The routed path: normalised as routing matched it, without query. */
  String path();

  /** The path as received, without query. */
  String rawPath();

  /**
   * The request target in origin form, as received: path and query (an absolute-form target's
   * path and query; {@code /} when it has no path). What a redirect to the same resource keeps.
   */
  String originUri();

  /** Whether the request arrived over TLS. */
  boolean secure();

  /**
   * Whether the client reached the edge over HTTPS: the request arrived over TLS, or a trusted
   * proxy says so ({@code X-Forwarded-Proto: https} from {@code proxy-real-ip-cidr} with {@code
   * use-forwarded-headers}, ingress-nginx's {@code $pass_access_scheme}). What the HTTPS redirect
   * checks and what redirects keep, so a TLS-terminating load balancer in front causes no loop.
   */
  default boolean clientSecure() {
    return secure();
  }

  /**
   * What the connection's TLS handshake established about client certificates (SNI name, the
   * settings it asked by, the certificate): {@link HandshakeCertificate#PLAIN} on plain HTTP.
   */
  default HandshakeCertificate clientCertificate() {
    return secure() ? HandshakeCertificate.UNNAMED : HandshakeCertificate.PLAIN;
  }

  /** The real client address (PROXY protocol, trusted forwarded-for, or the peer). */
  InetAddress client();

  /** The request's access-log facts. */
  RequestFacts facts();

  /** The server's services. */
  StepServices services();

  /** What the guard decided; {@link GuardVerdict.Open} until a guard step ran. */
  GuardVerdict guardVerdict();

  /** Records what the guard decided (also its user, in the facts). */
  void guardVerdict(GuardVerdict verdict);

  /**
   * Sends the request to {@code backend} instead of its route's (a canary): from {@code decide},
   * before the request is forwarded. The backend must be one of a route feature's {@link
   * dev.bollard.proxy.config.RouteFeature#backends()}, so that its pool is kept. Allocates nothing.
   */
  default void useBackend(Backend backend) {
    throw new UnsupportedOperationException("this request cannot change its backend");
  }

  /**
   * Where the request goes: the backend a step chose ({@link #useBackend}), else its route's;
   * {@code null} for a request no route serves.
   */
  default @Nullable Backend backend() {
    return null;
  }

  /**
   * Sends the request to {@code endpoint} first (sticky sessions, {@code upstream-hash-by}), the
   * route's balancer ordering the others for retries: from {@code decide}, in the {@link
   * Phase#BACKEND} phase after any change of backend. An endpoint that is not among the ready
   * endpoints of the backend the request finally goes to is ignored. Allocates nothing.
   */
  default void pinEndpoint(Endpoint endpoint) {
    throw new UnsupportedOperationException("this request cannot choose its endpoint");
  }

  /**
   * The event loop the request runs on: where work a step starts ({@link StepOutcome.Pending})
   * should run and complete, so that it resumes without a hop between threads.
   */
  default io.netty.channel.EventLoop eventLoop() {
    throw new UnsupportedOperationException("this request has no event loop");
  }

  /** What the external authentication service answered for this request, or {@code null}. */
  default @Nullable AuthReply authReply() {
    return null;
  }

  /**
   * Records what the external authentication service answered ({@link ExternalAuth}), for the
   * upstream head and the response.
   */
  default void authReply(AuthReply reply) {
    throw new UnsupportedOperationException("this request cannot record an auth reply");
  }

  /** The endpoint a step pinned the request to ({@link #pinEndpoint}), or {@code null}. */
  default @Nullable Endpoint pinnedEndpoint() {
    return null;
  }

  /**
   * The endpoint of the latest upstream try: while the response is relayed ({@code fromUpstream},
   * {@code toClient}), the one that answered; {@code null} when no try was made (an answer of a
   * step, no ready endpoint).
   */
  default @Nullable Endpoint endpoint() {
    return null;
  }
}
