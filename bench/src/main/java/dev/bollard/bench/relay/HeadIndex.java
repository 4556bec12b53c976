package dev.bollard.bench.relay;

import io.netty.buffer.ByteBuf;

/**
 * An HTTP/1.1 request or response head as offsets into the buffer it arrived in: the start line's
 * spaces, and per header line its start, the end of its name and its trimmed value. No
 * {@code String} and no allocation per parse; one instance per connection side, reused.
 *
 * <p>Only what a relay needs is interpreted: hop-by-hop headers and the {@code Connection} tokens,
 * {@code Content-Length}, {@code Transfer-Encoding: chunked}, {@code Host}, {@code
 * X-Forwarded-*}, the response status.
 */
final class HeadIndex {

  static final int COMPLETE = 1;
  static final int INCOMPLETE = 0;
  static final int MALFORMED = -1;

  /** Heads longer than this are refused. */
  static final int MAX_HEAD_BYTES = 32 * 1024;
  static final int MAX_HEADERS = 128;

  // Header kinds.
  static final byte OTHER = 0;
  /** Dropped on both sides: Keep-Alive, Proxy-Connection, TE, Upgrade. */
  static final byte HOP = 1;
  static final byte CONNECTION = 2;
  static final byte CONTENT_LENGTH = 3;
  static final byte TRANSFER_ENCODING = 4;
  static final byte HOST = 5;
  /** X-Forwarded-For: replaced on requests by one that appends the client. */
  static final byte XFF = 6;
  /** X-Forwarded-Host/-Proto/-Port: replaced on requests. */
  static final byte XF_OTHER = 7;

  private static final byte[] N_CONNECTION = lower("connection");
  private static final byte[] N_KEEP_ALIVE = lower("keep-alive");
  private static final byte[] N_PROXY_CONNECTION = lower("proxy-connection");
  private static final byte[] N_TE = lower("te");
  private static final byte[] N_UPGRADE = lower("upgrade");
  private static final byte[] N_CONTENT_LENGTH = lower("content-length");
  private static final byte[] N_TRANSFER_ENCODING = lower("transfer-encoding");
  private static final byte[] N_HOST = lower("host");
  private static final byte[] N_XFF = lower("x-forwarded-for");
  private static final byte[] N_XFH = lower("x-forwarded-host");
  private static final byte[] N_XFP = lower("x-forwarded-port");
  private static final byte[] N_XFPROTO = lower("x-forwarded-proto");
  private static final byte[] T_CLOSE = lower("close");
  private static final byte[] T_CHUNKED = lower("chunked");

  /** Reader index the head starts at. */
  int start;
  /** Index after the head's empty line. */
  int end;
  /** Index where the empty line that ends the head starts (the end of the last header line). */
  int emptyLine;
  /** Index after the start line's LF. */
  int lineEnd;
  /** The start line's first and second space. */
  int sp1;
  int sp2;
  /** Whether the start line's version is HTTP/1.1 (request: last token; response: first). */
  boolean http11;
  /** A response's status code. */
  int status;

  int count;
  final int[] lineStart = new int[MAX_HEADERS];
  final int[] nameEnd = new int[MAX_HEADERS];
  final int[] valueStart = new int[MAX_HEADERS];
  final int[] valueEnd = new int[MAX_HEADERS];
  final byte[] kind = new byte[MAX_HEADERS];

  long contentLength;
  boolean chunked;
  boolean transferEncoding;
  boolean connectionClose;
  boolean connectionKeepAlive;
  /** The Connection header names other headers (to be dropped as hop-by-hop). */
  boolean connectionNamesOthers;
  int host;
  int xff;
  /** The token {@link #nextToken} found last: its first byte and the byte after it. */
  private int tokenStart;
  private int tokenEnd;

  /**
   * Indexes the head at {@code buf}'s reader index.
   *
   * @return {@link #COMPLETE}, {@link #INCOMPLETE} (read more) or {@link #MALFORMED}
   */
  int parse(ByteBuf buf, boolean response) {
    count = 0;
    contentLength = -1;
    chunked = false;
    transferEncoding = false;
    connectionClose = false;
    connectionKeepAlive = false;
    connectionNamesOthers = false;
    host = -1;
    xff = -1;
    start = buf.readerIndex();
    int limit = buf.writerIndex();
    int lf = buf.indexOf(start, limit, (byte) '\n');
    if (lf < 0) {
      return limit - start > MAX_HEAD_BYTES ? MALFORMED : INCOMPLETE;
    }
    lineEnd = lf + 1;
    int e = contentEnd(buf, start, lf);
    sp1 = buf.indexOf(start, e, (byte) ' ');
    if (sp1 <= start) {
      return MALFORMED;
    }
    sp2 = buf.indexOf(sp1 + 1, e, (byte) ' ');
    if (response) {
      http11 = isHttp11(buf, start, sp1);
      int se = sp2 < 0 ? e : sp2;
      if (se - sp1 != 4) {
        return MALFORMED;
      }
      int s = 0;
      for (int i = sp1 + 1; i < se; i++) {
        int d = buf.getByte(i) - '0';
        if (d < 0 || d > 9) {
          return MALFORMED;
        }
        s = s * 10 + d;
      }
      status = s;
    } else {
      if (sp2 < 0) {
        return MALFORMED;
      }
      http11 = isHttp11(buf, sp2 + 1, e);
    }
    int i = lineEnd;
    while (true) {
      lf = buf.indexOf(i, limit, (byte) '\n');
      if (lf < 0) {
        return limit - start > MAX_HEAD_BYTES ? MALFORMED : INCOMPLETE;
      }
      e = contentEnd(buf, i, lf);
      if (e == i) {
        emptyLine = i;
        end = lf + 1;
        return end - start > MAX_HEAD_BYTES ? MALFORMED : COMPLETE;
      }
      if (count == MAX_HEADERS) {
        return MALFORMED;
      }
      int colon = buf.indexOf(i, e, (byte) ':');
      if (colon <= i) {
        return MALFORMED;
      }
      int vs = colon + 1;
      while (vs < e && isBlank(buf.getByte(vs))) {
        vs++;
      }
      int ve = e;
      while (ve > vs && isBlank(buf.getByte(ve - 1))) {
        ve--;
      }
      int n = count++;
      lineStart[n] = i;
      nameEnd[n] = colon;
      valueStart[n] = vs;
      valueEnd[n] = ve;
      byte k = kindOf(buf, i, colon);
      kind[n] = k;
      if (!interpret(buf, n, k)) {
        return MALFORMED;
      }
      i = lf + 1;
    }
  }

  private boolean interpret(ByteBuf buf, int n, byte k) {
    switch (k) {
      case CONNECTION -> connectionTokens(buf, valueStart[n], valueEnd[n]);
      case CONTENT_LENGTH -> {
        long v = 0;
        int vs = valueStart[n];
        int ve = valueEnd[n];
        if (vs == ve || ve - vs > 18) {
          return false;
        }
        for (int p = vs; p < ve; p++) {
          int d = buf.getByte(p) - '0';
          if (d < 0 || d > 9) {
            return false;
          }
          v = v * 10 + d;
        }
        if (contentLength >= 0 && contentLength != v) {
          return false;
        }
        contentLength = v;
      }
      case TRANSFER_ENCODING -> {
        transferEncoding = true;
        // chunked must be the last coding
        int ve = valueEnd[n];
        chunked = ve - valueStart[n] >= T_CHUNKED.length
            && equalsLower(buf, ve - T_CHUNKED.length, ve, T_CHUNKED);
      }
      case HOST -> host = n;
      case XFF -> xff = n;
      default -> { }
    }
    return true;
  }

  private void connectionTokens(ByteBuf buf, int vs, int ve) {
    for (int p = vs; p < ve; p = nextToken(buf, p, ve)) {
      int ts = tokenStart;
      int tz = tokenEnd;
      if (equalsLower(buf, ts, tz, T_CLOSE)) {
        connectionClose = true;
      } else if (equalsLower(buf, ts, tz, N_KEEP_ALIVE)) {
        connectionKeepAlive = true;
      } else if (tz > ts) {
        connectionNamesOthers = true;
      }
    }
  }

  /**
   * Finds the comma-separated token of a header value that starts at {@code p} (before {@code ve}):
   * sets {@link #tokenStart} and {@link #tokenEnd} to it without the blanks around it, and returns
   * where the next token starts. Fields, not a result object: nothing allocated per token.
   */
  private int nextToken(ByteBuf buf, int p, int ve) {
    int comma = buf.indexOf(p, ve, (byte) ',');
    int te = comma < 0 ? ve : comma;
    int ts = p;
    while (ts < te && isBlank(buf.getByte(ts))) {
      ts++;
    }
    int tz = te;
    while (tz > ts && isBlank(buf.getByte(tz - 1))) {
      tz--;
    }
    tokenStart = ts;
    tokenEnd = tz;
    return te + 1;
  }

  /**
   * Copies the header lines that are kept, from {@code run} (the first byte not yet copied, or -1
   * when the start line was written otherwise) to the empty line, each run of kept lines in one
   * copy: hop-by-hop headers are dropped, and the forwarding headers too when {@code
   * dropForwarding} (a request: the proxy writes its own).
   */
  void copyKeptLines(ByteBuf src, int run, ByteBuf out, boolean dropForwarding) {
    for (int n = 0; n < count; n++) {
      byte k = kind[n];
      boolean drop = (dropForwarding && (k == XFF || k == XF_OTHER)) || hopByHop(src, n);
      if (drop) {
        if (run >= 0) {
          out.writeBytes(src, run, lineStart[n] - run);
          run = -1;
        }
      } else if (run < 0) {
        run = lineStart[n];
      }
    }
    if (run >= 0) {
      out.writeBytes(src, run, emptyLine - run);
    }
  }

  /** Whether header n is hop-by-hop: dropped when the head is forwarded (either direction). */
  boolean hopByHop(ByteBuf buf, int n) {
    byte k = kind[n];
    if (k == HOP || k == CONNECTION) {
      return true;
    }
    return connectionNamesOthers && namedByConnection(buf, n);
  }

  private boolean namedByConnection(ByteBuf buf, int n) {
    for (int c = 0; c < count; c++) {
      if (kind[c] != CONNECTION) {
        continue;
      }
      int ve = valueEnd[c];
      for (int p = valueStart[c]; p < ve; p = nextToken(buf, p, ve)) {
        if (sameIgnoringCase(buf, tokenStart, tokenEnd, lineStart[n], nameEnd[n])) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the client wants its connection kept after this request. */
  boolean keepAlive() {
    return http11 ? !connectionClose : connectionKeepAlive && !connectionClose;
  }

  private static byte kindOf(ByteBuf buf, int s, int e) {
    switch (e - s) {
      case 2:
        return equalsLower(buf, s, e, N_TE) ? HOP : OTHER;
      case 4:
        return equalsLower(buf, s, e, N_HOST) ? HOST : OTHER;
      case 7:
        return equalsLower(buf, s, e, N_UPGRADE) ? HOP : OTHER;
      case 10:
        if (equalsLower(buf, s, e, N_CONNECTION)) {
          return CONNECTION;
        }
        return equalsLower(buf, s, e, N_KEEP_ALIVE) ? HOP : OTHER;
      case 14:
        return equalsLower(buf, s, e, N_CONTENT_LENGTH) ? CONTENT_LENGTH : OTHER;
      case 15:
        return equalsLower(buf, s, e, N_XFF) ? XFF : OTHER;
      case 16:
        if (equalsLower(buf, s, e, N_PROXY_CONNECTION)) {
          return HOP;
        }
        return equalsLower(buf, s, e, N_XFH) || equalsLower(buf, s, e, N_XFP) ? XF_OTHER : OTHER;
      case 17:
        if (equalsLower(buf, s, e, N_TRANSFER_ENCODING)) {
          return TRANSFER_ENCODING;
        }
        return equalsLower(buf, s, e, N_XFPROTO) ? XF_OTHER : OTHER;
      default:
        return OTHER;
    }
  }

  private static boolean isHttp11(ByteBuf buf, int s, int e) {
    return e - s == 8 && buf.getByte(s + 5) == '1' && buf.getByte(s + 6) == '.'
        && buf.getByte(s + 7) == '1';
  }

  private static int contentEnd(ByteBuf buf, int s, int lf) {
    return lf > s && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  /** [s, e) equals the lower-case ASCII name, ignoring case (letters, digits, '-'). */
  private static boolean equalsLower(ByteBuf buf, int s, int e, byte[] lower) {
    if (e - s != lower.length) {
      return false;
    }
    for (int k = 0; k < lower.length; k++) {
      if ((buf.getByte(s + k) | 0x20) != lower[k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameIgnoringCase(ByteBuf buf, int s1, int e1, int s2, int e2) {
    if (e1 - s1 != e2 - s2 || e1 == s1) {
      return false;
    }
    for (int k = 0; k < e1 - s1; k++) {
      if ((buf.getByte(s1 + k) | 0x20) != (buf.getByte(s2 + k) | 0x20)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] lower(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
