package dev.bollard.proxy.accesslog;

import dev.bollard.proxy.http.RequestPaths;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one request did, collected while it runs and logged once when it completes.
 *
 * <p>Created when the request head arrives; the handler, the guards and the exchange fill it in;
 * {@link #complete(int)} freezes it (the first call wins) and it is then handed to a {@link
 * RequestSink}. Not thread-safe: only the client channel's event loop touches it until it is
 * complete; after that it is read-only and may be formatted on another thread.
 */
public final class RequestFacts {

  private static final long UNSET = Long.MIN_VALUE;

  private final long startNanos;
  private final long startEpochMicros;
  private final LogSettings settings;
  private final HttpHeaders requestHeaders;
  private final String method;
  private final String uri;
  private String protocol;
  private final @Nullable String hostHeader;
  private final long requestHeadBytes;
  private InetAddress client;
  private @Nullable String user;
  private String requestId = "";
  private String namespace = "";
  private String ingress = "";
  private String service = "";
  private String servicePort = "";
  private String tlsVersion = "";
  private String sni = "";
  private String upstreamAddress = "";
  private int upstreamStatus = -1;
  private long upstreamStartNanos = UNSET;
  private long upstreamConnectedNanos = UNSET;
  private long upstreamHeaderNanos = UNSET;
  private long upstreamEndNanos = UNSET;
  private long endNanos = UNSET;
  private int status;
  private long bodyBytesIn;
  private long bodyBytesOut;
  private long headBytesOut;
  private @Nullable List<String> captured;
  private boolean complete;
  private boolean cutShort;
  private boolean unlogged;
  private @Nullable Runnable onEnd;

  private RequestFacts(
      HttpRequest request, InetAddress client, LogSettings settings, long nanos, long micros) {
    this.startNanos = nanos;
    this.startEpochMicros = micros;
    this.settings = settings;
    this.requestHeaders = request.headers();
    this.method = request.method().name();
    this.uri = request.uri();
    this.protocol = request.protocolVersion().text();
    // Normalized when a line is formatted, on the writer thread (see host()).
    this.hostHeader = request.headers().get(HttpHeaderNames.HOST);
    this.client = client;
    this.requestHeadBytes = headLength(request);
  }

  /**
   * Starts the facts of a request whose head just arrived.
   *
   * @param request the client's request head (its headers are read again when the line is
   *     formatted, so they must not be changed afterwards)
   * @param client the real client address (after PROXY protocol and trusted {@code
   *     X-Forwarded-For})
   * @param settings the access-log settings of the snapshot the request is served with
   */
  public static RequestFacts begin(HttpRequest request, InetAddress client, LogSettings settings) {
    long micros = currentMicros();
    return new RequestFacts(request, client, settings, System.nanoTime(), micros);
  }

  private static long currentMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private static long headLength(HttpRequest request) {
    long n = request.method().name().length() + request.uri().length()
        + request.protocolVersion().text().length() + 4;
    for (var it = request.headers().iteratorCharSequence(); it.hasNext(); ) {
      var e = it.next();
      n += e.getKey().length() + e.getValue().length() + 4;
    }
    return n + 2;
  }

  // ---- filled in while the request runs -----------------------------------------------------

  /** The authenticated (Basic) user name, like nginx's {@code $remote_user}. */
  public void user(@Nullable String name) {
    this.user = name;
  }

  /** The real client address (PROXY protocol source, trusted forwarded-for, or the peer). */
  public InetAddress client() {
    return client;
  }

  /** The request id sent upstream and returned to the client. */
  public void requestId(String id) {
    this.requestId = id;
  }

  /**
   * The route the request matched.
   *
   * @param namespace the Ingress's namespace, or empty
   * @param ingress the Ingress's name, or empty (default backend, no match)
   * @param backendId the backend id {@code namespace/service:port}, or empty
   */
  public void route(String namespace, String ingress, String backendId) {
    this.namespace = namespace;
    this.ingress = ingress;
    int slash = backendId.indexOf('/');
    int colon = backendId.lastIndexOf(':');
    if (slash >= 0 && colon > slash) {
      if (namespace.isEmpty()) {
        this.namespace = backendId.substring(0, slash);
      }
      this.service = backendId.substring(slash + 1, colon);
      this.servicePort = backendId.substring(colon + 1);
    } else {
      this.service = backendId;
    }
  }

  /**
   * The protocol the request came in ({@code HTTP/2.0} for a request of an HTTP/2 stream, whose
   * head is an HTTP/1.1 head once converted); by default its head's version.
   */
  public void protocol(String value) {
    this.protocol = value;
  }

  /** The TLS protocol version and server name of the connection (empty for plain HTTP). */
  public void tls(String version, String serverName) {
    this.tlsVersion = version;
    this.sni = serverName;
  }

  /** The first upstream connection attempt starts now. */
  public void upstreamStarted() {
    if (upstreamStartNanos == UNSET) {
      upstreamStartNanos = System.nanoTime();
    }
  }

  /**
   * The request gets no access-log line ({@code enable-access-log: "false"} on its route); it is
   * still measured.
   */
  public void skipAccessLog() {
    unlogged = true;
  }

  /** Whether the request gets an access-log line (see {@link #skipAccessLog()}). */
  public boolean accessLogged() {
    return !unlogged;
  }

  /**
   * When the first upstream try started ({@link System#nanoTime()}), or {@link Long#MIN_VALUE}
   * before it.
   */
  public long upstreamStartNanos() {
    return upstreamStartNanos;
  }

  /** An upstream connection (new or pooled) is ready at {@code address} ({@code host:port}). */
  public void upstreamConnected(String address) {
    upstreamConnectedNanos = System.nanoTime();
    upstreamAddress = address;
  }

  /** The upstream's response head arrived. */
  public void upstreamResponded(int upstreamStatus) {
    this.upstreamStatus = upstreamStatus;
    upstreamHeaderNanos = System.nanoTime();
  }

  /** The upstream's part ended (last byte received, or the exchange with it was given up). */
  public void upstreamDone() {
    if (upstreamStartNanos != UNSET && upstreamEndNanos == UNSET) {
      upstreamEndNanos = System.nanoTime();
    }
  }

  /** Request body bytes received from the client. */
  public void bytesIn(long n) {
    bodyBytesIn += n;
  }

  /** Response body bytes sent to the client. */
  public void bytesOut(long n) {
    bodyBytesOut += n;
  }

  /**
   * {@code n} bytes counted by {@link #bytesOut} never left (the connection was closed with them
   * still queued); counts them out again, down to zero.
   */
  public void unsent(long n) {
    bodyBytesOut = Math.max(0, bodyBytesOut - n);
  }

  /** The size of the response head sent to the client (an estimate is fine). */
  public void responseHeadBytes(long n) {
    headBytesOut = n;
  }

  /** A captured upstream response header: its lower-case name, its log field and its value. */
  void captured(String headerName, String field, String value) {
    List<String> c = captured;
    if (c == null) {
      c = new ArrayList<>(6);
      captured = c;
    }
    c.add(headerName);
    c.add(field);
    c.add(value);
  }

  /**
   * Freezes the facts with the status the client got (499 when the client left first, like
   * nginx). Only the first call counts.
   *
   * @return whether this call completed the facts (log them then)
   */
  public boolean complete(int status) {
    if (complete) {
      return false;
    }
    complete = true;
    this.status = status;
    endNanos = System.nanoTime();
    upstreamDone();
    Runnable end = onEnd;
    if (end != null) {
      onEnd = null;
      end.run();
    }
    return true;
  }

  /**
   * Runs {@code action} once when the request is over ({@link #complete} or {@link #abort}): what
   * a step that counts requests in flight ({@code limit-connections}) releases. One action per
   * request; a second call replaces the first.
   */
  public void onEnd(Runnable action) {
    onEnd = action;
  }

  /**
   * Like {@link #complete}, for a response the proxy cut short: the client got the head with
   * {@code status} but not the whole body (the upstream broke mid-response), and the connection
   * was closed so that the client can tell. The access log's {@code request_completion} is then
   * empty.
   *
   * @return whether this call completed the facts (log them then)
   */
  public boolean abort(int status) {
    if (complete) {
      return false;
    }
    cutShort = true;
    return complete(status);
  }

  // ---- read when formatting -------------------------------------------------------------------

  /**
   * Whether the client got its whole response, as nginx's {@code $request_completion}: false when
   * the proxy cut the response short ({@link #abort}) or the client left first (499).
   */
  public boolean responseComplete() {
    return complete && !cutShort && status != 499;
  }

  /** Whether {@link #complete} was called. */
  public boolean isComplete() {
    return complete;
  }

  /** The settings the line is formatted with. */
  public LogSettings settings() {
    return settings;
  }

  long startEpochMicros() {
    return startEpochMicros;
  }

  /** Request start, microseconds since the epoch ({@code X-Request-Start}). */
  public long startMicros() {
    return startEpochMicros;
  }

  HttpHeaders requestHeaders() {
    return requestHeaders;
  }

  /** The request method as sent. */
  public String method() {
    return method;
  }

  /** The request target as sent (path and query). */
  public String uri() {
    return uri;
  }

  public String protocol() {
    return protocol;
  }

  /**
   * As nginx's {@code $host}: the {@code Host} header in lower case, without port or trailing dot
   * (what routing matched on); empty without one. Computed on each call (by the log's writer).
   */
  public String host() {
    String h = hostHeader;
    return h == null ? "" : RequestPaths.normalizeHost(h);
  }

  String clientAddressValue() {
    return client.getHostAddress();
  }

  @Nullable String userValue() {
    return user;
  }

  /** The request id (empty until set). */
  public String requestIdValue() {
    return requestId;
  }

  /** The route's namespace (empty when nothing matched). */
  public String namespace() {
    return namespace;
  }

  /** The route's Ingress name (empty when nothing matched). */
  public String ingress() {
    return ingress;
  }

  /** The backend's Service name (empty when nothing matched). */
  public String service() {
    return service;
  }

  String servicePort() {
    return servicePort;
  }

  /** For the access log; see the field list in the README. */
  public String tlsVersion() {
    return tlsVersion;
  }

  /** For the access log; see the field list in the README. */
  public String sni() {
    return sni;
  }

  String upstreamAddress() {
    return upstreamAddress;
  }

  int upstreamStatus() {
    return upstreamStatus;
  }

  /** The status the client got (0 before completion). */
  public int status() {
    return status;
  }

  /** Request bytes: the head (estimated) and the body, like nginx's {@code $request_length}. */
  public long requestLength() {
    return requestHeadBytes + bodyBytesIn;
  }

  /** Response body bytes sent, like nginx's {@code $body_bytes_sent}. */
  public long bodyBytesSent() {
    return bodyBytesOut;
  }

  long bytesSent() {
    return headBytesOut + bodyBytesOut;
  }

  /** Whole request time in nanoseconds (to completion). */
  public long durationNanos() {
    return endNanos == UNSET ? 0 : endNanos - startNanos;
  }

  /** Nanoseconds to connect upstream, or -1 when no upstream was used. */
  long upstreamConnectNanos() {
    return since(upstreamStartNanos, upstreamConnectedNanos);
  }

  /** Nanoseconds from the first upstream attempt to its response head, or -1. */
  long upstreamHeaderNanos() {
    return since(upstreamStartNanos, upstreamHeaderNanos);
  }

  /** Nanoseconds from the first upstream attempt to the end of its response, or -1. */
  public long upstreamResponseNanos() {
    return since(upstreamStartNanos, upstreamEndNanos);
  }

  private static long since(long from, long to) {
    return from == UNSET || to == UNSET ? -1 : Math.max(0, to - from);
  }

  /** Captured headers as (lower-case header name, field, value) triplets. */
  List<String> capturedTriplets() {
    List<String> c = captured;
    return c == null ? List.of() : c;
  }
}
