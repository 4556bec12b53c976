package dev.bollard.proxy.accesslog;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.format.DateTimeFormatter;
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
          "user_agent", "referer");

  private static final Set<String> FIXED = Set.copyOf(FIELDS);

  private JsonLineFormat() {}

  @Override
  public void append(RequestFacts f, StringBuilder out) {
    int max = f.settings().maxValueLength();
    String[] pq = LineFormat.pathAndQuery(f);
    out.append("{\"time\":\"");
    DateTimeFormatter.ISO_INSTANT.formatTo(
        LineFormat.instant(f.startEpochMicros() / 1000 * 1000), out);
    out.append('"');
    str(out, "request_id", f.requestIdValue(), max);
    str(out, "remote_addr", f.clientAddressValue(), max);
    String user = f.userValue();
    str(out, "remote_user", user == null ? "" : user, max);
    str(out, "method", f.method(), max);
    str(out, "host", f.host(), max);
    str(out, "path", pq[0], max);
    str(out, "query", pq[1], max);
    str(out, "protocol", f.protocol(), max);
    out.append(",\"status\":").append(f.status());
    out.append(",\"bytes_in\":").append(f.requestLength());
    out.append(",\"bytes_out\":").append(f.bodyBytesSent());
    out.append(",\"request_time\":");
    LineFormat.seconds(f.durationNanos(), out);
    time(out, "upstream_connect_time", f.upstreamConnectNanos());
    time(out, "upstream_header_time", f.upstreamHeaderNanos());
    time(out, "upstream_response_time", f.upstreamResponseNanos());
    str(out, "upstream_addr", f.upstreamAddress(), max);
    out.append(",\"upstream_status\":");
    if (f.upstreamStatus() < 0) {
      out.append("null");
    } else {
      out.append(f.upstreamStatus());
    }
    str(out, "namespace", f.namespace(), max);
    str(out, "ingress", f.ingress(), max);
    str(out, "service", f.service(), max);
    str(out, "service_port", f.servicePort(), max);
    str(out, "tls_version", f.tlsVersion(), max);
    str(out, "tls_sni", f.sni(), max);
    str(out, "user_agent", header(f, HttpHeaderNames.USER_AGENT), max);
    str(out, "referer", header(f, HttpHeaderNames.REFERER), max);
    List<String> c = f.capturedTriplets();
    for (int i = 0; i < c.size(); i += 3) {
      String field = c.get(i + 1);
      str(out, FIXED.contains(field) ? "captured_" + field : field, c.get(i + 2), max);
    }
    out.append('}');
  }

  private static String header(RequestFacts f, CharSequence name) {
    String v = f.requestHeaders().get(name);
    return v == null ? "" : v;
  }

  private static void str(StringBuilder out, String name, String value, int max) {
    out.append(",\"");
    Escaper.json(name, 256, out);
    out.append("\":\"");
    Escaper.json(value, max, out);
    out.append('"');
  }

  private static void time(StringBuilder out, String name, long nanos) {
    out.append(",\"").append(name).append("\":");
    if (nanos < 0) {
      out.append("null");
    } else {
      LineFormat.seconds(nanos, out);
    }
  }
}
