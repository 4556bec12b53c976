package dev.bollard.proxy.accesslog;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Turns completed facts into one line (without the newline). Runs on the writer thread. */
interface LineFormat {

  void append(RequestFacts facts, StringBuilder out);

  DateTimeFormatter LOCAL_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneId.systemDefault());

  static Instant instant(long epochMicros) {
    return Instant.ofEpochSecond(epochMicros / 1_000_000L, (epochMicros % 1_000_000L) * 1_000L);
  }

  /** Seconds with millisecond resolution, nginx style ({@code 0.012}). */
  static void seconds(long nanos, StringBuilder out) {
    long millis = Math.round(nanos / 1_000_000.0);
    out.append(millis / 1000).append('.');
    long frac = millis % 1000;
    if (frac < 100) {
      out.append('0');
    }
    if (frac < 10) {
      out.append('0');
    }
    out.append(frac);
  }

  /** The request target's path and query (query as the redaction policy allows). */
  static String[] pathAndQuery(RequestFacts f) {
    String uri = f.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : f.settings().query().apply(uri.substring(q + 1));
    return new String[] {path, query};
  }
}
