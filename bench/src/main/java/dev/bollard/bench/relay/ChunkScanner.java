package dev.bollard.bench.relay;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a chunked body ends without decoding it: the bytes are forwarded as they came, this
 * only follows chunk sizes, their CRLFs and the trailer section across reads.
 */
final class ChunkScanner {

  private static final int SIZE = 0;
  private static final int EXTENSION = 1;
  private static final int DATA = 2;
  private static final int DATA_CR = 3;
  private static final int DATA_LF = 4;
  private static final int TRAILER_LINE_START = 5;
  private static final int TRAILER_LINE = 6;
  private static final int TRAILER_END_LF = 7;

  /** Returned by {@link #scan} when the bytes do not follow chunked framing. */
  static final int MALFORMED = -2;

  private int state;
  private long size;
  private int digits;

  void reset() {
    state = SIZE;
    size = 0;
    digits = 0;
  }

  /**
   * Consumes [from, to) of buf.
   *
   * @return the index after the body's last byte when it ends within the range, -1 when it
   *     continues past it, {@link #MALFORMED}
   */
  int scan(ByteBuf buf, int from, int to) {
    int i = from;
    while (i < to) {
      switch (state) {
        case SIZE -> {
          byte c = buf.getByte(i++);
          int h = hex(c);
          if (h >= 0) {
            if (++digits > 15) {
              return MALFORMED;
            }
            size = size * 16 + h;
          } else if (digits > 0 && (c == ';' || c == ' ' || c == '\t' || c == '\r')) {
            state = EXTENSION;
          } else if (digits > 0 && c == '\n') {
            sizeLineDone();
          } else {
            return MALFORMED;
          }
        }
        case EXTENSION -> {
          int lf = buf.indexOf(i, to, (byte) '\n');
          if (lf < 0) {
            i = to;
          } else {
            i = lf + 1;
            sizeLineDone();
          }
        }
        case DATA -> {
          long n = Math.min(size, to - i);
          i += (int) n;
          size -= n;
          if (size == 0) {
            state = DATA_CR;
          }
        }
        case DATA_CR -> {
          byte c = buf.getByte(i++);
          if (c == '\r') {
            state = DATA_LF;
          } else if (c == '\n') {
            nextChunk();
          } else {
            return MALFORMED;
          }
        }
        case DATA_LF -> {
          if (buf.getByte(i++) != '\n') {
            return MALFORMED;
          }
          nextChunk();
        }
        case TRAILER_LINE_START -> {
          byte c = buf.getByte(i++);
          if (c == '\n') {
            return i;
          }
          state = c == '\r' ? TRAILER_END_LF : TRAILER_LINE;
        }
        case TRAILER_LINE -> {
          int lf = buf.indexOf(i, to, (byte) '\n');
          if (lf < 0) {
            i = to;
          } else {
            i = lf + 1;
            state = TRAILER_LINE_START;
          }
        }
        case TRAILER_END_LF -> {
          if (buf.getByte(i++) != '\n') {
            return MALFORMED;
          }
          return i;
        }
        default -> throw new IllegalStateException("state " + state);
      }
    }
    return -1;
  }

  private void sizeLineDone() {
    state = size == 0 ? TRAILER_LINE_START : DATA;
  }

  private void nextChunk() {
    state = SIZE;
    size = 0;
    digits = 0;
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    int l = c | 0x20;
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
  }
}
