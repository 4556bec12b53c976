package dev.bollard.controller.settings;

import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.QueryRedaction;
import dev.bollard.proxy.config.EdgeSettings;
import dev.bollard.proxy.headers.HeaderRules;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The access-log, header-rule, client-address and request-id keys: each replaces one part of the
 * {@link EdgeSettings} being built. Values are checked here, so a bad one refuses the version.
 */
final class EdgeKeys {

  private EdgeKeys() {}

  static EdgeSettings log(EdgeSettings e, UnaryOperator<LogSettings> change) {
    return new EdgeSettings(change.apply(e.log()), e.headers(), e.enableRealIp(),
        e.forwardedForHeader(), e.generateRequestId());
  }

  static EdgeSettings enableRealIp(EdgeSettings e, boolean v) {
    return new EdgeSettings(e.log(), e.headers(), v, e.forwardedForHeader(), e.generateRequestId());
  }

  static EdgeSettings forwardedForHeader(EdgeSettings e, String v) {
    if (!v.strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new IllegalArgumentException(
          "\"" + v + "\" is not a header name (expected e.g. X-Forwarded-For)");
    }
    return new EdgeSettings(e.log(), e.headers(), e.enableRealIp(), v.strip(),
        e.generateRequestId());
  }

  static EdgeSettings generateRequestId(EdgeSettings e, boolean v) {
    return new EdgeSettings(e.log(), e.headers(), e.enableRealIp(), e.forwardedForHeader(), v);
  }

  static EdgeSettings requestRules(EdgeSettings e, String text) {
    return new EdgeSettings(e.log(),
        new HeaderRules(HeaderRules.parseLines(text), e.headers().response()), e.enableRealIp(),
        e.forwardedForHeader(), e.generateRequestId());
  }

  static EdgeSettings responseRules(EdgeSettings e, String text) {
    return new EdgeSettings(e.log(),
        new HeaderRules(e.headers().request(), HeaderRules.parseLines(text)), e.enableRealIp(),
        e.forwardedForHeader(), e.generateRequestId());
  }

  static LogSettings template(LogSettings l, String template) {
    return new LogSettings(l.capture(), l.query(), template.strip(), l.escapeJson(), l.skipUris(),
        l.maxValueLength());
  }

  static LogSettings escapeJson(LogSettings l, boolean v) {
    return new LogSettings(l.capture(), l.query(), l.textTemplate(), v, l.skipUris(),
        l.maxValueLength());
  }

  static LogSettings skipUris(LogSettings l, String v) {
    return new LogSettings(l.capture(), l.query(), l.textTemplate(), l.escapeJson(), list(v),
        l.maxValueLength());
  }

  static LogSettings maxValueLength(LogSettings l, String v) {
    int n;
    try {
      n = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 16 || n > 65_536) {
      throw new IllegalArgumentException(
          "\"" + v + "\" is not a length (expected a number from 16 to 65536)");
    }
    return new LogSettings(l.capture(), l.query(), l.textTemplate(), l.escapeJson(), l.skipUris(),
        n);
  }

  static LogSettings captureHeaders(LogSettings l, String v) {
    CaptureRules parsed = CaptureRules.parse(list(v), List.of(), false);
    CaptureRules c = l.capture();
    return l.withCapture(new CaptureRules(parsed.exact(), c.prefixes(), c.keep()));
  }

  static LogSettings capturePrefixes(LogSettings l, String v) {
    CaptureRules parsed = CaptureRules.parse(List.of(), list(v), false);
    CaptureRules c = l.capture();
    return l.withCapture(new CaptureRules(c.exact(), parsed.prefixes(), c.keep()));
  }

  static LogSettings keepCaptured(LogSettings l, boolean v) {
    CaptureRules c = l.capture();
    return l.withCapture(new CaptureRules(c.exact(), c.prefixes(), v));
  }

  static LogSettings redact(LogSettings l, String v) {
    return new LogSettings(l.capture(),
        new QueryRedaction(l.query().dropQuery(), java.util.Set.copyOf(list(v))), l.textTemplate(),
        l.escapeJson(), l.skipUris(), l.maxValueLength());
  }

  static LogSettings dropQuery(LogSettings l, boolean v) {
    return new LogSettings(l.capture(), new QueryRedaction(v, l.query().redactedParams()),
        l.textTemplate(), l.escapeJson(), l.skipUris(), l.maxValueLength());
  }

  static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return List.copyOf(out);
  }
}
