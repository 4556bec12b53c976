package dev.bollard.proxy.accesslog;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * One JSON object per line with stable field names (see the README's access-log section).
 * Captured headers follow the fixed fields under their configured names; a name that would
 * repeat a fixed field gets the prefix {@code captured_}.
 */
final class JsonLineFormat implements LineFormat {

  static final JsonLineFormat INSTANCE = new JsonLineFormat();

  static final List<String> FIELDS =
      List.of(
          "time", "request_id", "remote_addr", "remote_user", "method", "host", "path", "query",
          "protocol", "status", "bytes_in", "bytes_out", "request_time", "upstream_connect_time",
          "upstream_header_time", "upstream_response_time", "upstream_addr", "upstream_status",
          "namespace", "ingress", "service", "service_port", "tls_version", "tls_sni",
          "user_agent", "referer", "auth_status", "auth_time", "request_completion");

  private static final Set<String> FIXED = Set.copyOf(FIELDS);
  private static final int MAX_NAME_LENGTH = 256;

  // Each fixed field's opening, from the comma before it to the value's first byte.
  private static final byte[] TIME = open("{", "time", true);
  private static final byte[] REQUEST_ID = open("\",", "request_id", true);
  private static final byte[] REMOTE_ADDR = open("\",", "remote_addr", true);
  private static final byte[] REMOTE_USER = open("\",", "remote_user", true);
  private static final byte[] METHOD = open("\",", "method", true);
  private static final byte[] HOST = open("\",", "host", true);
  private static final byte[] PATH = open("\",", "path", true);
  private static final byte[] QUERY = open("\",", "query", true);
  private static final byte[] PROTOCOL = open("\",", "protocol", true);
  private static final byte[] STATUS = open("\",", "status", false);
  private static final byte[] BYTES_IN = open(",", "bytes_in", false);
  private static final byte[] BYTES_OUT = open(",", "bytes_out", false);
  private static final byte[] REQUEST_TIME = open(",", "request_time", false);
  private static final byte[] UPSTREAM_CONNECT_TIME = open(",", "upstream_connect_time", false);
  private static final byte[] UPSTREAM_HEADER_TIME = open(",", "upstream_header_time", false);
  private static final byte[] UPSTREAM_RESPONSE_TIME = open(",", "upstream_response_time", false);
  private static final byte[] UPSTREAM_ADDR = open(",", "upstream_addr", true);
  private static final byte[] UPSTREAM_STATUS = open("\",", "upstream_status", false);
  private static final byte[] NAMESPACE = open(",", "namespace", true);
  private static final byte[] INGRESS = open("\",", "ingress", true);
  private static final byte[] SERVICE = open("\",", "service", true);
  private static final byte[] SERVICE_PORT = open("\",", "service_port", true);
  private static final byte[] TLS_VERSION = open("\",", "tls_version", true);
  private static final byte[] TLS_SNI = open("\",", "tls_sni", true);
  private static final byte[] USER_AGENT = open("\",", "user_agent", true);
  private static final byte[] REFERER = open("\",", "referer", true);
  private static final byte[] REQUEST_COMPLETION = open(",", "request_completion", true);
  private static final byte[] AUTH_STATUS = open("\",", "auth_status", false);
  private static final byte[] AUTH_TIME = open(",", "auth_time", false);
  private static final byte[] NULL = ascii("null");
  private static final byte[] NEXT_NAME = ascii("\",\"");
  private static final byte[] NAME_END = ascii("\":\"");
  private static final byte[] CAPTURED = ascii("captured_");

  private JsonLineFormat() {}

  private static byte[] open(String before, String name, boolean string) {
    return ascii(before + "\"" + name + "\":" + (string ? "\"" : ""));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void append(RequestFacts f, LineBuffer out) {
    out.style(true, f.settings().maxValueLength(), false);
    out.raw(TIME);
    out.rawIsoInstantMillis(f.startEpochMicros());
    out.raw(REQUEST_ID);
    out.value(f.requestIdValue());
    out.raw(REMOTE_ADDR);
    out.value(f.clientAddressValue());
    out.raw(REMOTE_USER);
    String user = f.userValue();
    out.value(user == null ? "" : user);
    out.raw(METHOD);
    out.value(f.method());
    out.raw(HOST);
    out.value(f.host());
    out.raw(PATH);
    out.startValue();
    LineFormat.path(f, out);
    out.endValue();
    out.raw(QUERY);
    out.startValue();
    LineFormat.query(f, out, false);
    out.endValue();
    out.raw(PROTOCOL);
    out.value(f.protocol());
    out.raw(STATUS);
    out.rawDecimal(f.status());
    out.raw(BYTES_IN);
    out.rawDecimal(f.requestLength());
    out.raw(BYTES_OUT);
    out.rawDecimal(f.bodyBytesSent());
    out.raw(REQUEST_TIME);
    out.rawSeconds(f.durationNanos());
    time(out, UPSTREAM_CONNECT_TIME, f.upstreamConnectNanos());
    time(out, UPSTREAM_HEADER_TIME, f.upstreamHeaderNanos());
    time(out, UPSTREAM_RESPONSE_TIME, f.upstreamResponseNanos());
    out.raw(UPSTREAM_ADDR);
    out.value(f.upstreamAddress());
    out.raw(UPSTREAM_STATUS);
    if (f.upstreamStatus() < 0) {
      out.raw(NULL);
    } else {
      out.rawDecimal(f.upstreamStatus());
    }
    out.raw(NAMESPACE);
    out.value(f.namespace());
    out.raw(INGRESS);
    out.value(f.ingress());
    out.raw(SERVICE);
    out.value(f.service());
    out.raw(SERVICE_PORT);
    out.value(f.servicePort());
    out.raw(TLS_VERSION);
    out.value(f.tlsVersion());
    out.raw(TLS_SNI);
    out.value(f.sni());
    out.raw(USER_AGENT);
    header(f, HttpHeaderNames.USER_AGENT, out);
    out.raw(REFERER);
    header(f, HttpHeaderNames.REFERER, out);
    out.raw(AUTH_STATUS);
    if (f.authStatus() < 0) {
      out.raw(NULL);
    } else {
      out.rawDecimal(f.authStatus());
    }
    time(out, AUTH_TIME, f.authNanos());
    out.raw(REQUEST_COMPLETION);
    out.value(LineFormat.completion(f));
    List<String> c = f.capturedTriplets();
    for (int i = 0; i < c.size(); i += 3) {
      String field = c.get(i + 1);
      out.raw(NEXT_NAME);
      out.style(true, MAX_NAME_LENGTH, false);
      if (FIXED.contains(field)) {
        out.raw(CAPTURED);
      }
      out.value(field);
      out.style(true, f.settings().maxValueLength(), false);
      out.raw(NAME_END);
      out.value(c.get(i + 2));
    }
    out.raw((byte) '"');
    out.raw((byte) '}');
  }

  private static void header(RequestFacts f, CharSequence name, LineBuffer out) {
    String v = f.requestHeaders().get(name);
    out.value(v == null ? "" : v);
  }

  private static void time(LineBuffer out, byte[] open, long nanos) {
    out.raw(open);
    if (nanos < 0) {
      out.raw(NULL);
    } else {
      out.rawSeconds(nanos);
    }
  }
}
