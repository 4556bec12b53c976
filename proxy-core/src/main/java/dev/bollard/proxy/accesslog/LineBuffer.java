package dev.bollard.proxy.accesslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The writer thread's reusable line bytes: values go in escaped, straight as bytes, without an
 * intermediate {@code String}. One per writer thread; not thread-safe.
 *
 * <p>A field value is written between {@link #startValue()} and {@link #endValue()}, in one or
 * more pieces that share one length budget (the {@code max} of {@link #style}): pieces past the
 * budget are cut and the value ends in {@code ...}; an empty value prints as {@code -} when the
 * style asks for it (nginx's text lines). Escaping keeps every value inside its field: no newline,
 * quote or control byte survives, and the escaped output is pure ASCII.
 *
 * <p>Times are formatted once per second of the clock (lines arrive roughly in order) and copied
 * from then on.
 */
final class LineBuffer {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CUT = {'.', '.', '.'};
  private static final DateTimeFormatter LOCAL_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneId.systemDefault());
  private static final DateTimeFormatter ISO_OFFSET =
      DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneId.systemDefault());

  private byte[] buf;
  private int pos;

  private boolean jsonEscape;
  private int max = Integer.MAX_VALUE;
  private boolean dashWhenEmpty;
  private int left;
  private long total;
  private boolean cut;

  private final SecondStamp isoInstant =
      new SecondStamp(s -> {
        String t = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(s));
        return t.substring(0, t.length() - 1); // without the Z: milliseconds go before it
      });
  private final SecondStamp localTime =
      new SecondStamp(s -> LOCAL_TIME.format(Instant.ofEpochSecond(s)));
  private final SecondStamp isoOffset =
      new SecondStamp(s -> ISO_OFFSET.format(Instant.ofEpochSecond(s)));

  LineBuffer(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  /** Bytes written since the last {@link #clear()}. */
  int size() {
    return pos;
  }

  /** The backing array; valid up to {@link #size()} until the next write. */
  byte[] array() {
    return buf;
  }

  void clear() {
    pos = 0;
  }

  /** Drops everything after {@code size} (a line that must not be written). */
  void truncate(int size) {
    pos = size;
  }

  /** The content as UTF-8 text (tests). */
  @Override
  public String toString() {
    return new String(buf, 0, pos, StandardCharsets.UTF_8);
  }

  private void ensure(int more) {
    if (buf.length - pos < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  // ---- bytes as they are (literals, field names, numbers) ------------------------------------

  void raw(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  void raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  /** A decimal number. */
  void rawDecimal(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        raw(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        return;
      }
      raw((byte) '-');
      v = -v;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    ensure(digits);
    int end = pos + digits;
    for (int i = end - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    pos = end;
  }

  /** Seconds with millisecond resolution, nginx style ({@code 0.012}). */
  void rawSeconds(long nanos) {
    long millis = Math.round(nanos / 1_000_000.0);
    rawDecimal(millis / 1000);
    raw((byte) '.');
    long frac = millis % 1000;
    if (frac < 100) {
      raw((byte) '0');
    }
    if (frac < 10) {
      raw((byte) '0');
    }
    rawDecimal(frac);
  }

  /** ISO-8601 instant in UTC to the millisecond, as {@code DateTimeFormatter.ISO_INSTANT}. */
  void rawIsoInstantMillis(long epochMicros) {
    long second = Math.floorDiv(epochMicros, 1_000_000L);
    int millis = (int) (Math.floorMod(epochMicros, 1_000_000L) / 1000);
    raw(isoInstant.of(second));
    if (millis != 0) {
      ensure(4);
      buf[pos++] = '.';
      buf[pos++] = (byte) ('0' + millis / 100);
      buf[pos++] = (byte) ('0' + millis / 10 % 10);
      buf[pos++] = (byte) ('0' + millis % 10);
    }
    raw((byte) 'Z');
  }

  // ---- escaped field values ------------------------------------------------------------------

  /**
   * How the values that follow are written.
   *
   * @param json JSON string escaping ({@code \"}, {@code \n}, {@code \u00E9}); otherwise nginx's
   *     ({@code \x22}, {@code \xC3\xA9})
   * @param max longest value, in characters before escaping
   * @param dash whether an empty value prints as {@code -}
   */
  void style(boolean json, int max, boolean dash) {
    this.jsonEscape = json;
    this.max = max;
    this.dashWhenEmpty = dash;
  }

  void startValue() {
    left = max;
    total = 0;
    cut = false;
  }

  void endValue() {
    if (total == 0 && dashWhenEmpty) {
      raw((byte) '-');
    }
    if (cut) {
      raw(CUT);
    }
  }

  /** A whole value in the current style. */
  void value(CharSequence s) {
    startValue();
    piece(s, 0, s.length());
    endValue();
  }

  void piece(CharSequence s) {
    piece(s, 0, s.length());
  }

  /** Characters {@code from} (inclusive) to {@code to} (exclusive) of {@code s}, escaped. */
  void piece(CharSequence s, int from, int to) {
    int n = to - from;
    total += n;
    int take = Math.min(n, left);
    if (take < n) {
      cut = true;
    }
    left -= take;
    if (jsonEscape) {
      json(s, from, from + take);
    } else {
      nginx(s, from, from + take);
    }
  }

  /** A number as (part of) a value. */
  void pieceDecimal(long v) {
    int start = pos;
    rawDecimal(v);
    budgetAscii(start);
  }

  /** Seconds ({@code 0.012}) as (part of) a value. */
  void pieceSeconds(long nanos) {
    int start = pos;
    rawSeconds(nanos);
    budgetAscii(start);
  }

  /** nginx's {@code $time_local}: {@code 25/Nov/2026:20:00:00 +0000}, local time zone. */
  void pieceLocalTime(long epochMicros) {
    int start = pos;
    raw(localTime.of(Math.floorDiv(epochMicros, 1_000_000L)));
    budgetAscii(start);
  }

  /** nginx's {@code $time_iso8601}: {@code 2026-11-25T20:00:00+00:00}, local time zone. */
  void pieceIsoLocalTime(long epochMicros) {
    int start = pos;
    raw(isoOffset.of(Math.floorDiv(epochMicros, 1_000_000L)));
    budgetAscii(start);
  }

  /** Applies the value budget to ASCII just written from {@code start} (needs no escaping). */
  private void budgetAscii(int start) {
    int n = pos - start;
    total += n;
    if (n > left) {
      pos = start + left;
      cut = true;
      left = 0;
    } else {
      left -= n;
    }
  }

  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII
  private void json(CharSequence s, int from, int to) {
    ensure((to - from) * 6);
    byte[] b = buf;
    int p = pos;
    int i = from;
    if (s instanceof String str) {
      // Most values are plain printable ASCII: find how far that goes and copy it in one go.
      int plain = from;
      while (plain < to && jsonPlain(str.charAt(plain))) {
        plain++;
      }
      str.getBytes(from, plain, b, p);
      p += plain - from;
      i = plain;
    }
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        if (c == '"' || c == '\\') {
          b[p++] = '\\';
        }
        b[p++] = (byte) c;
      } else if (c == '\n') {
        b[p++] = '\\';
        b[p++] = 'n';
      } else if (c == '\r') {
        b[p++] = '\\';
        b[p++] = 'r';
      } else if (c == '\t') {
        b[p++] = '\\';
        b[p++] = 't';
      } else {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
      }
    }
    pos = p;
  }

  /** A character JSON output copies as it is: printable ASCII but the quote and backslash. */
  private static boolean jsonPlain(char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  }

  private void nginx(CharSequence s, int from, int to) {
    ensure((to - from) * 12);
    byte[] b = buf;
    int p = pos;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        b[p++] = (byte) c;
      } else if (c <= 0xFF) {
        // Controls, quote, backslash, DEL; Latin-1 header bytes arrive as 0x80-0xFF: one byte.
        p = hex(b, p, c);
      } else if (c < 0x800) {
        p = hex(b, p, 0xC0 | (c >> 6));
        p = hex(b, p, 0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // A lone UTF-16 half encodes as '?', as String.getBytes(UTF_8) does for one char.
        p = hex(b, p, '?');
      } else {
        p = hex(b, p, 0xE0 | (c >> 12));
        p = hex(b, p, 0x80 | ((c >> 6) & 0x3F));
        p = hex(b, p, 0x80 | (c & 0x3F));
      }
    }
    pos = p;
  }

  private static int hex(byte[] b, int p, int c) {
    b[p] = '\\';
    b[p + 1] = 'x';
    b[p + 2] = HEX[(c >> 4) & 0xF];
    b[p + 3] = HEX[c & 0xF];
    return p + 4;
  }

  /** A text formatted once per second and reused while the second lasts. */
  private static final class SecondStamp {
    private final LongFunction<String> format;
    private long second = Long.MIN_VALUE;
    private byte[] bytes = new byte[0];

    SecondStamp(LongFunction<String> format) {
      this.format = format;
    }

    byte[] of(long epochSecond) {
      if (epochSecond != second) {
        bytes = format.apply(epochSecond).getBytes(StandardCharsets.US_ASCII);
        second = epochSecond;
      }
      return bytes;
    }
  }
}
