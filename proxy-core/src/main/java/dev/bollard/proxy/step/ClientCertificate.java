package dev.bollard.proxy.step;

import com.google.re2j.Pattern;
import dev.bollard.proxy.clientcert.CaBundle;
import dev.bollard.proxy.clientcert.HandshakeCertificate;
import dev.bollard.proxy.clientcert.Verification;
import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Client certificate authentication of one host (ingress-nginx's {@code auth-tls-*}), checked per
 * request by the host the request was routed to, as nginx checks {@code ssl_verify_client} of the
 * server the {@code Host} chose.
 *
 * <p>The handshake asked for a certificate by the SNI name's settings ({@code
 * dev.bollard.proxy.tls}); the certificate is verified once per connection ({@link
 * HandshakeCertificate}). A request for this host over a handshake that asked by other settings
 * (an SNI name of another host) is answered 421 Misdirected Request, as nginx answers a {@code
 * Host} that differs from the SNI name when the {@code Host}'s server verifies clients: so a
 * certificate-free handshake for an open host never opens this one. Without a certificate: 400
 * "No required SSL certificate was sent" for {@code on}; an invalid one: 400 "The SSL certificate
 * error" (or, with {@code auth-tls-error-page}, a 302 there, nginx's {@code error_page 495 496});
 * a subject DN that {@code auth-tls-match-cn} does not match: 403. Plain HTTP requests (no
 * handshake; the HTTPS redirect runs earlier) count as sent without a certificate, where nginx
 * would not check them at all.
 *
 * <p>Phase {@link Phase#ACCESS}, first of it: nginx refuses a bad certificate when it reads the
 * request head, before its access phase (allow/deny lists, Basic auth), and after the redirects
 * only because a plain HTTP request must first be sent to HTTPS; over TLS, {@link #overTls()}
 * checks before any redirect. Upstream, the request carries
 * {@code ssl-client-verify}, {@code ssl-client-subject-dn}, {@code ssl-client-issuer-dn} (not
 * sent when empty, as nginx drops an empty {@code proxy_set_header}) and, when asked, {@code
 * ssl-client-cert}; a client's own headers of these names never reach the upstream.
 */
public final class ClientCertificate implements RouteStep {

  static final AsciiString VERIFY = AsciiString.cached("ssl-client-verify");
  static final AsciiString SUBJECT_DN = AsciiString.cached("ssl-client-subject-dn");
  static final AsciiString ISSUER_DN = AsciiString.cached("ssl-client-issuer-dn");
  static final AsciiString CERT = AsciiString.cached("ssl-client-cert");

  private static final StepOutcome.Answer MISDIRECTED = keepAlive -> PlainResponses.of(
      HttpResponseStatus.MISDIRECTED_REQUEST,
      "the TLS connection was made for another host; open one for this host", false);
  private static final StepOutcome.Answer NO_CERTIFICATE = keepAlive -> PlainResponses.of(
      HttpResponseStatus.BAD_REQUEST, "No required SSL certificate was sent", keepAlive);
  private static final StepOutcome.Answer CERTIFICATE_ERROR = keepAlive -> PlainResponses.of(
      HttpResponseStatus.BAD_REQUEST, "The SSL certificate error", keepAlive);
  private static final StepOutcome.Answer UNAUTHORIZED = keepAlive -> PlainResponses.of(
      HttpResponseStatus.FORBIDDEN, "client certificate unauthorized", keepAlive);
  private static final StepOutcome.Answer UNUSABLE = keepAlive -> PlainResponses.of(
      HttpResponseStatus.SERVICE_UNAVAILABLE, "client certificate settings unusable", keepAlive);

  private final ClientAuth auth;
  private final @Nullable CaBundle bundle;
  private final @Nullable Pattern matchCn;
  private final StepOutcome.@Nullable Answer errorPage;

  private ClientCertificate(ClientAuth auth, @Nullable CaBundle bundle, @Nullable Pattern matchCn) {
    this.auth = auth;
    this.bundle = bundle;
    this.matchCn = matchCn;
    String page = auth.errorPage();
    this.errorPage = page == null ? null : RedirectAnswer.to(HttpResponseStatus.FOUND, page);
  }

  /**
   * The step for {@code auth}. Settings that cannot be used (the translator reports them, so this
   * is a safety net) give a step that answers every request 503: a host asking for certificates
   * never opens because of a broken setting.
   */
  public static ClientCertificate of(ClientAuth auth) {
    Objects.requireNonNull(auth, "auth");
    // The routes of one host are compiled one after the other from the same settings: they share
    // one step (immutable), so its CAs are parsed once per host and snapshot, not per route.
    ClientCertificate previous = last;
    if (previous != null && previous.auth == auth) {
      return previous;
    }
    ClientCertificate made;
    try {
      CaBundle bundle = CaBundle.parse(auth.caPem(), auth.crlPem());
      String cn = auth.matchCn();
      made = new ClientCertificate(auth, bundle, cn == null ? null : Pattern.compile(cn));
    } catch (IllegalArgumentException e) {
      made = new ClientCertificate(auth, null, null);
    }
    last = made;
    return made;
  }

  private static volatile @Nullable ClientCertificate last;

  /** The settings checked. */
  public ClientAuth auth() {
    return auth;
  }

  @Override
  public Phase phase() {
    return Phase.ACCESS;
  }

  /**
   * This check for requests over TLS only, in {@link Phase#HANDSHAKE}: before the redirects
   * ({@code app-root}, a snippet's {@code return}, {@code permanent-redirect}) and CORS preflight
   * answers, as nginx refuses a bad certificate before its phases. Plain HTTP requests pass it,
   * to be sent to HTTPS first and refused by this step in {@link Phase#ACCESS} otherwise.
   */
  public RouteStep overTls() {
    return new OverTls(this);
  }

  /** {@link #overTls()}: decides only; the ACCESS step sets the upstream headers. */
  private record OverTls(ClientCertificate check) implements RouteStep {
    @Override
    public Phase phase() {
      return Phase.HANDSHAKE;
    }

    @Override
    public String name() {
      return "client-certificate-tls";
    }

    @Override
    public StepOutcome decide(StepRequest request) {
      return request.clientCertificate().secure() ? check.decide(request) : StepOutcome.PASS;
    }
  }

  @Override
  public String name() {
    return "client-certificate";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    CaBundle cas = bundle;
    if (cas == null) {
      return UNUSABLE;
    }
    Verification verification = verification(request, cas);
    if (verification == null) {
      return MISDIRECTED;
    }
    if (auth.verify() != ClientAuth.Verify.OFF) {
      if (!verification.presented()) {
        if (auth.verify() == ClientAuth.Verify.ON) {
          return failed(NO_CERTIFICATE);
        }
      } else if (!verification.verified()) {
        Verification.Failure failure = Objects.requireNonNull(verification.failure());
        if (auth.verify() != ClientAuth.Verify.OPTIONAL_NO_CA || !failure.issuerUnknown()) {
          return failed(CERTIFICATE_ERROR);
        }
      }
    }
    Pattern cn = matchCn;
    if (cn != null && !cn.matcher(verification.subjectDn()).find()) {
      return UNAUTHORIZED;
    }
    return StepOutcome.PASS;
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    HttpHeaders headers = upstream.headers();
    headers.remove(VERIFY).remove(SUBJECT_DN).remove(ISSUER_DN).remove(CERT);
    CaBundle cas = bundle;
    Verification verification = cas == null ? null : verification(request, cas);
    if (verification == null) {
      return; // decide refused the request; nothing goes upstream
    }
    headers.set(VERIFY, verification.status());
    setIfAny(headers, SUBJECT_DN, headerSafe(verification.subjectDn()));
    setIfAny(headers, ISSUER_DN, headerSafe(verification.issuerDn()));
    if (auth.passCertificate()) {
      setIfAny(headers, CERT, verification.escapedPem());
    }
  }

  private StepOutcome failed(StepOutcome.Answer answer) {
    StepOutcome.Answer page = errorPage;
    return page != null ? page : answer;
  }

  /**
   * The verification this request is judged by; {@code null} when the connection's handshake asked
   * by another host's settings under an SNI name (misdirected).
   */
  private @Nullable Verification verification(StepRequest request, CaBundle cas) {
    if (auth.verify() == ClientAuth.Verify.OFF) {
      return Verification.NONE;
    }
    HandshakeCertificate handshake = request.clientCertificate();
    if (!handshake.secure()) {
      return Verification.NONE;
    }
    if (auth.equals(handshake.requested())) {
      return handshake.verification(cas, auth.depth());
    }
    return handshake.serverName() != null ? null : Verification.NONE;
  }

  private static void setIfAny(HttpHeaders headers, AsciiString name, String value) {
    if (!value.isEmpty()) {
      headers.set(name, value);
    }
  }

  /**
   * A DN as a header value: control and non-ASCII characters as {@code \XX} escapes of their UTF-8
   * bytes (OpenSSL's {@code ESC_CTRL} and {@code ESC_MSB}, which nginx's DN variables use), so a
   * certificate's subject cannot break the upstream head.
   */
  static String headerSafe(String dn) {
    for (int i = 0; i < dn.length(); i++) {
      char c = dn.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return escapeFrom(dn, i);
      }
    }
    return dn;
  }

  private static String escapeFrom(String dn, int from) {
    StringBuilder out = new StringBuilder(dn.length() + 16).append(dn, 0, from);
    for (byte b : dn.substring(from).getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x20 || c > 0x7e) {
        out.append('\\').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "ClientCertificate[" + auth.secret() + ", " + auth.verify().value() + "]";
  }
}
